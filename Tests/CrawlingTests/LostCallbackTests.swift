import CrawlFrontier
import DistributedFrontier
import Foundation
import LinkExtraction
import TestServer
import Testing

@testable import Crawling

/// A request's callback closure cannot cross processes: a worker that takes
/// a request queued with another process's callback runs the spider's
/// `parse`, and says so once per callback name.
@Suite("Callbacks that cannot cross processes")
struct LostCallbackTests {
    /// Yields every page's path from `parse`; follows nothing. Its seeds
    /// (the pages already queued: duplicates) allow the loopback site.
    final class PathSpider: Spider, @unchecked Sendable {
        struct Item: Codable, Sendable, Hashable {
            var path: String
        }

        let seeds: [String]

        init(seeds: [String]) {
            self.seeds = seeds
        }

        override func startRequests() -> [CrawlRequest] { seeds.map { CrawlRequest(url: $0) } }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            output.yield(Item(path: URL(string: response.url)?.path ?? ""))
        }
    }

    @Test(
        "Requests queued by another process with callbacks: parse handles them, one warning per callback name, at most maxWarnedCallbackNames names",
        arguments: [100, 1])
    func warnsOncePerName(maxWarnedNames: Int) async throws {
        let site = try await TestServer.start()
        for path in ["/a1", "/a2", "/a3", "/b1"] { site.addRoute(path) { _ in .html("<p>\(path)</p>") } }
        site.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let url = try redis.frontierURL(name: "lost-\(maxWarnedNames)")

        // What another worker queued: payloads naming callbacks that live in its process only.
        let named = [
            ("/a1", "DetailSpider.swift:12"), ("/a2", "DetailSpider.swift:12"), ("/a3", "DetailSpider.swift:12"), ("/b1", "sitemap rule /b")
        ]
        let entries = try named.enumerated().map { index, page in
            let address = site.url(page.0)
            let canonical = try #require(CanonicalURL(address))
            let request = CrawlRequest(url: address, callback: { _, _ in }, callbackName: page.1)
            return FrontierEntry(
                url: canonical.string, fingerprint: canonical.fingerprint, hostKey: try #require(canonical.hostKey),
                payload: RequestPayload.encode(request, callbackID: UInt64(1000 + index)))
        }
        let other = try await RedisFrontier(
            url: url, configuration: FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "T", obeysRobots: false),
            robotsFetcher: { _ in .unreachable })
        #expect(await other.addSeeds(entries) == Array(repeating: .queued, count: 4))
        try await other.close()

        let itemsPath = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-lost-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: itemsPath) }
        let feed = try FeedExporter(path: itemsPath, format: .jsonLines)
        var settings = CrawlSettings()
        settings.frontier = .redis(url)
        settings.maxWarnedCallbackNames = maxWarnedNames
        let log = CollectedLog()
        _ = try await Crawler(
            spider: PathSpider(seeds: named.map { site.url($0.0) }), settings: settings, itemFeeds: [feed],
            logger: log.logger(level: .warning)
        ).run()
        feed.close()
        try await site.shutdown()

        let items = try String(contentsOfFile: itemsPath, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(PathSpider.Item.self, from: Data($0.utf8)).path }
        #expect(Set(items) == ["/a1", "/a2", "/a3", "/b1"])
        let warnings = log.lines.filter { $0.contains("callback cannot run in this process") }
        // Two names; past the bound the later one is not logged, and every page is still handled (the items above).
        #expect(warnings.count == min(2, maxWarnedNames), "\(log.lines)")
    }

    @Test("The names warned about are bounded: 100 names of at most 200 bytes, later names not logged")
    func warnedNamesAreBounded() throws {
        let store = CallbackStore()
        #expect(store.maxWarnedNames == 100)
        let long = String(repeating: "n", count: 5000)
        #expect(store.shouldWarnMissing(long)?.utf8.count == CallbackStore.maxNameLength)
        #expect(store.shouldWarnMissing(long) == nil)
        #expect(store.shouldWarnMissing(nil) == "unnamed")
        let warned = (0..<150).compactMap { store.shouldWarnMissing("Spider.swift:\($0)") }
        #expect(warned.count == store.maxWarnedNames - 2)
        #expect(store.shouldWarnMissing("Spider.swift:0") == nil)
        // A callback registered in this process is still found after all that.
        let handlers = try #require(CallbackStore.Handlers(of: CrawlRequest(url: "http://127.0.0.1/", callback: { _, _ in })))
        let id = store.register(handlers)
        #expect(store.take(id) != nil)
    }

    @Test("maxWarnedCallbackNames changes the bound: 5 names warned about of 50, none with 0")
    func warnedNamesFollowTheSetting() {
        let store = CallbackStore(maxWarnedNames: 5)
        #expect((0..<50).compactMap { store.shouldWarnMissing("Spider.swift:\($0)") }.count == 5)
        let silent = CallbackStore(maxWarnedNames: 0)
        #expect((0..<50).compactMap { silent.shouldWarnMissing("Spider.swift:\($0)") }.isEmpty)
    }
}
