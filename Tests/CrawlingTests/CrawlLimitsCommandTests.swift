import Crawling
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl --max-time/--max-bytes` (and `CrawlSettings.maxItems`)
/// against an endless loopback site: each limit stops the crawl gracefully
/// with exit 0; and however a crawl ends (a limit, Ctrl-C, SIGTERM, a second
/// Ctrl-C, a shared frontier failing) the `--stats` file is written.
@Suite("Crawl limits (time, bytes, items) and the stats file", .serialized, .timeLimit(.minutes(3)))
struct CrawlLimitsCommandTests {
    private let scratch: ScratchDirectory
    private var directory: String { scratch.path }
    /// The body size of every page of the endless site.
    static let pageBytes = 10_000

    init() throws {
        scratch = try ScratchDirectory("asyncurl-limits")
    }

    private func path(_ name: String) -> String { directory + "/" + name }

    /// A site without end: every page is `pageBytes` long and links to ten new ones.
    private func endlessSite() async throws -> TestServer {
        let server = try await TestServer.start()
        server.addRoute("/n/") { request in
            let number = Int(request.path.dropFirst("/n/".count)) ?? 0
            let links = (1...10).map { "<a href=\"/n/\(number * 10 + $0)\">next</a>" }.joined()
            let page = "<html><body>\(links)<p>"
            let padding = String(repeating: "x", count: Self.pageBytes - page.utf8.count - "</p></body></html>".utf8.count)
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array((page + padding + "</p></body></html>").utf8))
        }
        return server
    }

    /// Starts the crawler on the endless site with `extra` arguments, a page log and a stats file.
    private func crawl(_ server: TestServer, _ extra: [String]) throws -> CrawlCommandProcess {
        try CrawlCommandProcess(
            [
                server.url("/n/0"), "--ignore-robots", "--concurrency", "4", "--per-host", "4",
                "--output", path("pages.jsonl"), "--stats", path("stats.json")
            ] + extra, logPath: path("run.log"))
    }

    private func stats() throws -> CrawlStats {
        try JSONDecoder().decode(CrawlStats.self, from: Data(contentsOf: URL(fileURLWithPath: path("stats.json"))))
    }

    private func pageLogLines() -> Int {
        let data = FileManager.default.contents(atPath: path("pages.jsonl")) ?? Data()
        return data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
    }

    private func log() -> String {
        (try? String(contentsOfFile: path("run.log"), encoding: .utf8)) ?? ""
    }

    @Test("--max-time 2 on an endless site: the crawl stops gracefully, exit 0, stats and summary written")
    func maxTime() async throws {
        let server = try await endlessSite()
        let process = try crawl(server, ["--max-time", "2"])
        #expect(await process.waitForExit() == 0, "\(log())")
        let stats = try stats()
        #expect(stats.pages > 0)
        #expect(stats.elapsedSeconds >= 2)
        #expect(stats.pages + stats.errors == pageLogLines(), "the stats count what the page log holds")
        #expect(log().contains("pages:"), "the summary is written")
        try await server.shutdown()
    }

    @Test(
        "--max-bytes 200000 on an endless site of 10 kB pages: stops with at least that many bytes, at most the pages in flight more; exit 0"
    )
    func maxBytes() async throws {
        let server = try await endlessSite()
        let process = try crawl(server, ["--max-bytes", "200000", "--quiet"])
        #expect(await process.waitForExit() == 0, "\(log())")
        let stats = try stats()
        #expect(stats.bytes >= 200_000)
        // Requests in flight when the limit is reached (4 at most) still finish.
        #expect(stats.bytes <= 200_000 + 4 * Self.pageBytes)
        #expect(stats.pages == pageLogLines())
        try await server.shutdown()
    }

    /// Yields five items per page.
    final class ItemSpider: Spider, @unchecked Sendable {
        private let seed: String

        init(seed: String) {
            self.seed = seed
            super.init()
        }

        override var startURLs: [String] { [seed] }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            for index in 0..<5 { output.yield(["url": response.url, "index": "\(index)"]) }
            for link in response.links { output.follow(link) }
        }
    }

    @Test(
        "CrawlSettings.maxItems 50 with five items a page on an endless site: at least 50 items written, at most the pages in flight more")
    func maxItems() async throws {
        let server = try await endlessSite()
        let feed = try FeedExporter(path: path("items.jsonl"), format: .jsonLines)
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.concurrency = 4
        settings.perHostConcurrency = 4
        settings.maxItems = 50
        let stats = try await Crawler(spider: ItemSpider(seed: server.url("/n/0")), settings: settings, itemFeeds: [feed]).run()
        feed.close()
        #expect(stats.items >= 50)
        // The page that reached the limit and the 3 others in flight still write theirs.
        #expect(stats.items <= 50 + 4 * 5)
        let lines = (FileManager.default.contents(atPath: path("items.jsonl")) ?? Data()).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        #expect(lines == stats.items)
        try await server.shutdown()
    }

    @Test("Negative limits are usage errors")
    func negativeLimits() async throws {
        for option in ["--max-time", "--max-bytes", "--max-items"] {
            let process = try CrawlCommandProcess(["http://127.0.0.1:1/", option, "-1"], logPath: path("usage.log"))
            #expect(await process.waitForExit() == 64, "\(option)")
        }
    }

    @Test("SIGINT and SIGTERM stop the crawl gracefully (exit 130) and write the stats file")
    func signalsWriteStats() async throws {
        let server = try await endlessSite()
        for signalNumber in [SIGINT, SIGTERM] {
            try? FileManager.default.removeItem(atPath: path("stats.json"))
            try? FileManager.default.removeItem(atPath: path("pages.jsonl"))
            let process = try crawl(server, ["--quiet"])
            process.send(signalNumber, whenLinesIn: path("pages.jsonl"), reach: 10)
            #expect(await process.waitForExit() == 130, "signal \(signalNumber): \(log())")
            let stats = try stats()
            #expect(stats.pages >= 10)
            #expect(stats.pages == pageLogLines(), "signal \(signalNumber)")
        }
        try await server.shutdown()
    }

    @Test("A shared crawl whose Redis goes away ends with exit 3 (--redis-timeout) and still writes the stats so far")
    func frontierFailureWritesStats() async throws {
        let server = try await endlessSite()
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let process = try crawl(
            server,
            [
                "--frontier", "redis://127.0.0.1:\(redis.port)/limits-\(UUID().uuidString)", "--redis-timeout", "1",
                "--quiet"
            ])
        await poll(tries: 6000) { pageLogLines() >= 5 }
        redis.kill()
        #expect(await process.waitForExit() == 3, "\(log())")
        let stats = try stats()
        #expect(stats.pages >= 5, "the pages fetched before Redis went away")
        try await server.shutdown()
    }

    @Test("A second Ctrl-C, with a request that never ends, still writes the stats so far and the summary")
    func secondInterruptWritesStats() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/start") { _ in .links(["/ok/1", "/ok/2", "/hang"]) }
        let process = try CrawlCommandProcess(
            [
                server.url("/start"), "--ignore-robots", "--timeout", "600", "--output", path("pages.jsonl"),
                "--stats", path("stats.json")
            ], logPath: path("run.log"))
        await poll(tries: 6000) { server.recordedRequests.contains { $0.path == "/hang" } && pageLogLines() >= 3 }
        process.send(SIGINT)
        #expect(await CrawlCommandProcess.waitForText(in: path("run.log"), containing: "stopping"), "the first Ctrl-C is acknowledged")
        process.send(SIGINT)
        #expect(await process.waitForExit(limit: .seconds(60)) == 130)
        let stats = try stats()
        #expect(stats.pages == 3, "the pages before the hanging one: \(log())")
        #expect(log().contains("pages:"), "the summary is written")
        try await server.shutdown()
    }
}
