import Crawling
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The sanitizing log handler")
struct SanitizingLogHandlerTests {
    @Test("Control characters and URL credentials never reach the log line; the level filters")
    func sanitizes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-log-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var logger = Logger(label: "test\u{1B}[2J") { SanitizingLogHandler(label: $0, level: .warning, descriptor: descriptor) }
        logger[metadataKey: "host"] = "evil\u{9B}31m"
        logger.info("not written")
        logger.warning(
            "server said \u{1B}]0;title\u{07} and\nmore\r\u{202E}",
            metadata: ["url": "http://user:secret@127.0.0.1/", "error": "\u{1B}[31mred"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("not written"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "one line: \(text.debugDescription)")
        #expect(
            !text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" },
            "\(text.debugDescription)")
        #expect(!text.contains("secret"))
        #expect(
            text.contains("warning test[2J: server said ]0;title andmore error=[31mred host=evil31m url=http://127.0.0.1/"),
            "\(text.debugDescription)")
    }
}
