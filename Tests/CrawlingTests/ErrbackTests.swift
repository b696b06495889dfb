import AsyncURL
import AsyncURLSupport
import Crawling
import Foundation
import TestServer
import Testing

/// Errbacks: a failed request (connection refused, a time-out, a status the
/// spider handles as a failure) reaches its own errback, else the spider's
/// `handleFailure`; what they yield and follow goes where a callback's does.
@Suite("Errbacks")
struct ErrbackTests {
    /// One item per errback call, and one per page a follow-up reached.
    struct Item: Codable, Sendable, Hashable {
        var via: String
        var path: String
        var cause: String
    }

    /// `/` links (through `parse`) to failing URLs: `?with=errback` ones with an
    /// errback of their own, the others without. Each errback follows
    /// `/recovered?from=PATH`, whose callback yields an item.
    final class FailingSpider: Spider, @unchecked Sendable {
        let base: String
        let refusedBase: String

        init(base: String, refusedBase: String) {
            self.base = base
            self.refusedBase = refusedBase
        }

        override var startURLs: [String] { [base + "/"] }
        override var errbackStatuses: Set<Int> { [404] }

        static func cause(of failure: CrawlFailure) -> String {
            failure.status.map { "status \($0)" } ?? failure.error.map(\.kind.rawValue) ?? "?"
        }

        static func path(of url: String) -> String {
            URLComponents(string: url).map { $0.path + ($0.query.map { "?" + $0 } ?? "") } ?? url
        }

        /// Yields an item, and follows the test server's `/recovered` (absolute: a
        /// relative URL would resolve against the failed URL, on the refused port too).
        func recover(_ failure: CrawlFailure, via: String, output: SpiderOutput) {
            output.yield(Item(via: via, path: Self.path(of: failure.url), cause: Self.cause(of: failure)))
            output.follow(base + "/recovered?from=" + Self.path(of: failure.url).replacingOccurrences(of: "?", with: "_")) { page, output in
                output.yield(Item(via: "recovered", path: Self.path(of: page.url), cause: "depth \(page.depth)"))
            }
        }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            guard Self.path(of: response.url) == "/" else { return }
            let errback: Spider.Errback = { [unowned self] failure, output in recover(failure, via: "request", output: output) }
            for target in [base + "/missing", refusedBase + "/gone", base + "/slow"] {
                output.follow(CrawlRequest(url: target + "?with=errback", errback: errback))
                output.follow(CrawlRequest(url: target + "?with=spider"))
            }
            // Its own statuses: 410 goes to its errback, 404 (the spider's) to its callback.
            output.follow(
                CrawlRequest(
                    url: base + "/missing?with=own-statuses",
                    callback: { page, output in
                        output.yield(Item(via: "callback", path: Self.path(of: page.url), cause: "status \(page.status)"))
                    }, errback: errback, errbackStatuses: [410]))
        }

        override func handleFailure(_ failure: CrawlFailure, output: SpiderOutput) async throws {
            recover(failure, via: "spider", output: output)
        }
    }

    @Test(
        "Refused, 404 and time-out reach the request's errback, else the spider's; their items land in the feed and their requests are crawled"
    )
    func errbacks() async throws {
        let server = try await TestServer.start()
        let released = LockedState(false)
        server.addRoute("/slow") { _ in
            // Held past the crawl's time-out, until the crawl is over (at most 60 s).
            for _ in 0..<600 where !released.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(100))
            }
            return TestResponse(text: "late")
        }
        server.addRoute("/missing") { _ in TestResponse(status: 404, text: "not here") }
        server.addRoute("/recovered") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<p>recovered</p>".utf8)) }
        server.addRoute("/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<p>start</p>".utf8)) }
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let refusedPort = refusing.port
        let spider = FailingSpider(base: server.baseURL, refusedBase: "http://127.0.0.1:\(refusedPort)")
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.hosts = .any
        settings.maxRetries = 0
        // Long enough for a loaded machine's ordinary pages; /slow outlasts it.
        settings.timeout = .seconds(5)
        settings.maxDepth = 2
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-errback-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let feed = try FeedExporter(path: directory + "/items.jsonl", format: .jsonLines)
        let crawler = Crawler(spider: spider, settings: settings, itemFeeds: [feed])
        let stats = try await crawler.run()
        released.withLock { $0 = true }
        feed.close()
        try await server.shutdown()
        let items = try String(contentsOfFile: directory + "/items.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Item.self, from: Data($0.utf8)) }
        var expected: Set<Item> = []
        for (via, query) in [("request", "with=errback"), ("spider", "with=spider")] {
            for (path, cause) in [("/missing", "status 404"), ("/gone", "connectionFailed"), ("/slow", "timeout")] {
                expected.insert(Item(via: via, path: path + "?" + query, cause: cause))
                expected.insert(Item(via: "recovered", path: "/recovered?from=\(path)_\(query)", cause: "depth 2"))
            }
        }
        expected.insert(Item(via: "callback", path: "/missing?with=own-statuses", cause: "status 404"))
        #expect(Set(items) == expected)
        #expect(items.count == expected.count, "each failure handled once")
        #expect(stats.items == expected.count)
        #expect(stats.errorKinds["connectionFailed"] == 2 && stats.errorKinds["timeout"] == 2)
        #expect(crawler.storedCallbackCount == 0, "no errback is kept once its request went out")
    }
}

/// Start URLs a crawl cannot use are told and counted, and the crawl goes on.
@Suite("Unusable start URLs")
struct UnusableStartURLTests {
    @Test("A start URL that is not http(s) is logged, counted as an invalidURL error (in errors too), and the other seeds are crawled")
    func unusableStartURL() async throws {
        let server = try await TestServer.start()
        server.addRoute("/") { _ in TestResponse(text: "ok") }
        let log = CollectedLog()
        var settings = CrawlSettings()
        settings.obeysRobots = false
        let crawler = Crawler(
            spider: FollowAllSpider(seeds: ["ftp://127.0.0.1/file", server.url("/")]), settings: settings,
            logger: log.logger(level: .warning))
        let stats = try await crawler.run()
        try await server.shutdown()
        #expect(stats.pages == 1)
        #expect(stats.errors == 1 && stats.errorKinds["invalidURL"] == 1)
        #expect(log.lines.contains("start URL skipped: not an http or https URL"), "\(log.lines)")
    }
}

/// A request's errback is a closure of the process that queued it: a request
/// fetched by another run (a resumed crawl; a shared frontier's other worker
/// alike) comes to the spider's `handleFailure`, with its meta and its
/// `errbackStatuses`, which travel in the payload.
@Suite("Errbacks across runs")
struct ErrbackResumeTests {
    final class StoppingSpider: Spider, @unchecked Sendable {
        let base: String
        let stopOnSeed: LockedState<Crawler?>

        init(base: String, stopOnSeed: LockedState<Crawler?>) {
            self.base = base
            self.stopOnSeed = stopOnSeed
        }

        override var startURLs: [String] { [base + "/"] }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            guard response.url == base + "/" else { return }
            // Queued, then left for the next run: the crawl stops before it is fetched.
            output.follow(
                CrawlRequest(
                    url: base + "/missing", meta: ["route": "stock"],
                    errback: { failure, output in
                        output.yield(["via": "request", "url": failure.url])
                    }, errbackStatuses: [404]))
            stopOnSeed.withLock { $0 }?.stop()
        }

        override func handleFailure(_ failure: CrawlFailure, output: SpiderOutput) async throws {
            output.yield(["via": "spider", "route": failure.meta["route"] ?? "", "status": String(failure.status ?? 0)])
        }
    }

    @Test("Resumed, a 404 listed in the request's errbackStatuses reaches the spider's handleFailure with the request's meta")
    func resumedErrback() async throws {
        let server = try await TestServer.start()
        server.addRoute("/missing") { _ in TestResponse(status: 404, text: "gone") }
        server.addRoute("/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<p>start</p>".utf8)) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-errback-resume-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.stateDirectory = directory + "/state"
        let base = String(server.url("/").dropLast())
        let stopper = LockedState<Crawler?>(nil)
        let first = Crawler(spider: StoppingSpider(base: base, stopOnSeed: stopper), settings: settings)
        stopper.withLock { $0 = first }
        _ = try await first.run()
        #expect(!server.recordedRequests.contains { $0.path == "/missing" }, "left for the next run")
        let feed = try FeedExporter(path: directory + "/items.jsonl", format: .jsonLines)
        let log = CollectedLog()
        let second = Crawler(
            spider: StoppingSpider(base: base, stopOnSeed: LockedState(nil)), settings: settings, itemFeeds: [feed],
            logger: log.logger(level: .warning))
        _ = try await second.run()
        feed.close()
        try await server.shutdown()
        let items = try String(contentsOfFile: directory + "/items.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        #expect(items == [["via": "spider", "route": "stock", "status": "404"]])
        // Told once, by the errback's name (no callback was set: no callback warning).
        #expect(log.lines.filter { $0.contains("errback cannot run in this process") }.count == 1, "\(log.lines)")
        #expect(!log.lines.contains { $0.contains("callback cannot run") }, "\(log.lines)")
    }
}
