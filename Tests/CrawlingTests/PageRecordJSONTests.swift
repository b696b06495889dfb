import Crawling
import Foundation
import Testing

/// The page log's records are written by a hand-made JSON writer; its bytes
/// must be exactly `JSONEncoder`'s (sorted keys, slashes as they are).
@Suite("Page log records as JSON")
struct PageRecordJSONTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-record-\(UUID().uuidString)-\(name)").path
    }

    private var records: [PageRecord] {
        var full = PageRecord(
            url: "http://127.0.0.1:8080/a/b?c=d&e=%20f", finalURL: "https://127.0.0.1/x", status: 200, depth: 3,
            referrer: "http://127.0.0.1:8080/", contentType: "text/html; charset=\"utf-8\"", bytes: 123_456, links: 310,
            elapsedMilliseconds: 17, error: "kind: a \"quoted\" back\\slash\ttab\u{01}\u{1F}\u{7F} é 漢字 \u{2028}",
            redirects: ["http://127.0.0.1:8080/r1", "http://127.0.0.1:8080/r2"], linksDropped: 2, change: .changed)
        full.outlinks = ["http://127.0.0.1:8080/o1", "http://127.0.0.1:8080/o\"2"]
        full.rendered = true
        let bare = PageRecord(
            url: "http://127.0.0.1/", finalURL: nil, status: nil, depth: 0, referrer: nil, contentType: nil, bytes: 0, links: 0,
            elapsedMilliseconds: 0, error: nil, redirects: nil)
        var empty = bare
        empty.outlinks = []
        empty.redirects = []
        empty.rendered = false
        empty.status = -1
        empty.error = "\u{08}\u{0C}\n\r"
        return [full, bare, empty]
    }

    @Test("a page log line is JSONEncoder's bytes, for every field present or absent")
    func sameBytesAsJSONEncoder() throws {
        let path = temporaryPath("pages.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .jsonLines, redactsCredentials: false)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var expected = Data()
        for record in records {
            try feed.write(record)
            expected += try encoder.encode(record) + Data("\n".utf8)
        }
        feed.close()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(written == expected)
    }
}
