import Foundation
import TestServer
import Testing

/// `asyncurl-crawl --warc` on a body far larger than the memory the crawler
/// may use: the body streams into a spool file beside the archive and is
/// copied into it, never held whole (read back with warcio from
/// .build-python/venv, installed by scripts/install-deps.sh).
@Suite("asyncurl-crawl --warc with a large body")
struct WARCLargeBodyTests {
    struct Record: Decodable {
        var type: String
        var uri: String?
        var length: Int
        var sha1: String
        var payloadDigest: String?
        var truncated: String?
    }

    static let bodyBytes = 200 << 20
    /// How far the crawler's peak RSS may rise above a crawl of a tiny body.
    static let memoryBound = 64 << 20

    @Test(
        "A 200 MB body is archived as it streams: peak RSS stays within 64 MB of a tiny body's crawl; warcio reads it back whole, with its digest"
    )
    func largeBody() async throws {
        guard let warcio = VenvTool.path("warcio", package: "warcio") else { return }
        let venv = WARCCrawlTests.venv
        let server = try await TestServer.start()
        let directory = try VenvTool.makeTemporaryDirectory("warc-large")
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let baseline = try await crawl(server.url("/bytes/1000"), name: "small", in: directory)
        let peak = try await crawl(server.url("/bytes/\(Self.bodyBytes)"), name: "large", in: directory)
        try await server.shutdown()
        #expect(peak - baseline < Self.memoryBound, "peak RSS \(peak >> 20) MB vs \(baseline >> 20) MB for a 1000-byte body")
        // Nothing but the archive is left in its directory: the spool file was unlinked.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!names.contains { $0.hasPrefix(".asyncurl-spool") })

        let file = directory + "/large-00000.warc.gz"
        let check = try await ChildProcess.output(of: warcio, ["check", file], timeout: .seconds(600))
        #expect(check.status == 0, "warcio check: \(check.text)")
        let read = try await ChildProcess.output(of: venv + "/python", [WARCCrawlTests.reader, "--digests", file], timeout: .seconds(600))
        #expect(read.status == 0, "\(read.text)")
        let records = try read.text.split(separator: "\n").map { try JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
        let response = try #require(records.first { $0.type == "response" && $0.uri?.hasSuffix("/bytes/\(Self.bodyBytes)") == true })
        #expect(response.length == Self.bodyBytes)
        #expect(response.truncated == nil)
        #expect(response.payloadDigest == response.sha1)
        #expect(response.sha1 == (try await Self.patternDigest()))
    }

    /// Crawls one URL into `name.warc.gz` with the body limit above the large
    /// body; the crawler's peak resident memory.
    private func crawl(_ url: String, name: String, in directory: String) async throws -> Int {
        let process = try CrawlCommandProcess(
            [
                url, "--output", directory + "/\(name).jsonl", "--warc", directory + "/\(name).warc.gz",
                "--max-body", String(Self.bodyBytes + (50 << 20)), "--max-pages", "1", "--quiet",
                "--stats", directory + "/\(name).stats"
            ],
            logPath: directory + "/\(name).log")
        let code = await process.waitForExit(limit: .seconds(600))
        #expect(code == 0, "\((try? String(contentsOfFile: directory + "/\(name).log", encoding: .utf8)) ?? "")")
        return try #require(process.peakResidentBytes(reportedIn: directory + "/\(name).stats"))
    }

    /// The WARC digest of the test server's `/bytes/N` body (byte i is i % 251),
    /// computed by Python's hashlib.
    private static func patternDigest() async throws -> String {
        let script = """
            import base64, hashlib
            period = bytes(i % 251 for i in range(251 * 261))
            digest, left = hashlib.sha1(), \(bodyBytes)
            while left > 0:
                digest.update(period[:min(left, len(period))]); left -= len(period)
            print("sha1:" + base64.b32encode(digest.digest()).decode())
            """
        let output = try await ChildProcess.output(of: WARCCrawlTests.venv + "/python", ["-c", script], timeout: .seconds(600))
        return output.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
