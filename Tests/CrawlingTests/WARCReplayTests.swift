import AsyncURL
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl --warc` replayed by pywb (`wb-manager`, `wayback`; installed
/// by scripts/install-deps.sh into .build-python/venv), on 127.0.0.1 only.
@Suite("asyncurl-crawl --warc replayed by pywb")
struct WARCReplayTests {
    static let page =
        "<!doctype html><html><head><title>Replay</title></head><body><p>archived \u{e9}t\u{e9}</p><a href=\"/gzip\">gzip</a></body></html>"

    @Test("pywb replays an archived HTML page and a gzip-encoded text with the bodies the server sent")
    func replay() async throws {
        guard let wayback = VenvTool.path("wayback", package: "pywb") else { return }
        let venv = WARCCrawlTests.venv
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/page.html") { _ in
            TestResponse(headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(Self.page.utf8))
        }
        let directory = try VenvTool.makeTemporaryDirectory("warc-replay")
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let crawl = try CrawlCommandProcess(
            [
                server.url("/page.html"), "--output", directory + "/pages.jsonl", "--warc", directory + "/crawl.warc.gz",
                "--quiet"
            ], logPath: directory + "/crawl.log")
        #expect(await crawl.waitForExit() == 0, "\((try? String(contentsOfFile: directory + "/crawl.log", encoding: .utf8)) ?? "")")
        try await server.shutdown()

        let setUp = try await ChildProcess.output(
            of: "/bin/sh",
            [
                "-c", "cd \"$1\" && \"$2/wb-manager\" init crawl && \"$2/wb-manager\" add crawl crawl-00000.warc.gz",
                "sh", directory, venv
            ], timeout: .seconds(300))
        #expect(setUp.status == 0, "wb-manager: \(setUp.text)")
        let port = try await Self.freePort()
        let replayer = try ChildProcess.spawn(
            wayback, ["-p", String(port), "-b", "127.0.0.1", "-d", directory],
            standardOutput: directory + "/wayback.log", standardError: directory + "/wayback.log")
        defer {
            kill(replayer, SIGTERM)
            var status: Int32 = 0
            _ = waitpid(replayer, &status, 0)
        }
        let client = try FetchClient()
        let replayBase = "http://127.0.0.1:\(port)/crawl/id_/"
        let html = try await Self.fetchWhenUp(client, replayBase + server.url("/page.html"))
        #expect(html.status == 200)
        #expect(Array(html.body) == Array(Self.page.utf8))
        let text = try await client.fetch(Request(url: replayBase + server.url("/gzip")))
        #expect(text.status == 200)
        #expect(String(decoding: text.body, as: UTF8.self) == TestServer.compressibleText)
    }

    /// Fetches `url` once the server answers, trying for at most 60 s.
    private static func fetchWhenUp(_ client: FetchClient, _ url: String) async throws -> Response {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let response = try? await client.fetch(Request(url: url)) { return response }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await client.fetch(Request(url: url))
    }

    /// A loopback port nothing listens on right now (the kernel's pick).
    private static func freePort() async throws -> Int {
        let script = "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
        let output = try await ChildProcess.output(of: WARCCrawlTests.venv + "/python", ["-c", script])
        return try #require(Int(output.text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
