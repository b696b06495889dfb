import AsyncURL
import CrawlFrontier
import Crawling
import DistributedFrontier
import Foundation
import LinkExtraction
import TestServer
import Testing

/// A rule-driven spider with a POST request gives the same items through a
/// Redis frontier as in one process: method, headers, body and meta travel
/// with each URL through Redis.
@Suite("Requests through a shared frontier")
struct SharedCrawlSpiderTests {
    struct Item: Codable, Sendable, Hashable {
        var path: String
        var title: String
    }

    /// `/` links to two categories; a category to two items and back to `/`;
    /// an item to `/cat/99` and `/about` (not followed: the item rule does not
    /// follow). `/search` answers a POST with the right header and body only.
    private static func site(_ server: TestServer) {
        @Sendable func page(_ title: String, _ links: [String]) -> TestResponse {
            let anchors = links.map { "<a href=\"\($0)\">\($0)</a>" }.joined()
            return TestResponse(
                headers: [("Content-Type", "text/html")],
                body: Array("<html><head><title>\(title)</title></head><body>\(anchors)</body></html>".utf8))
        }
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/item/") { request in page("Item \(request.path.dropFirst(6))", ["/cat/99", "/about"]) }
        server.addRoute("/cat/") { request in
            let number = request.path.dropFirst(5)
            return page("Category \(number)", ["/item/\(number)1", "/item/\(number)2", "/"])
        }
        server.addRoute("/search") { request in
            let body = String(decoding: request.body, as: UTF8.self)
            guard request.method == "POST", request.header("X-Search-Token") == "t0ke", body == "q=widgets\n&page=1" else {
                return TestResponse(status: 405, text: "POST only")
            }
            return page("Search \(request.method) \(body.count)", ["/item/77"])
        }
        server.addRoute("/") { request in
            request.path == "/" ? page("Shop", ["/cat/1", "/cat/2"]) : TestResponse(status: 404, text: "not found")
        }
    }

    final class SearchingSpider: CrawlSpider, @unchecked Sendable {
        let base: String

        init(base: String) {
            self.base = base
        }

        override func startRequests() -> [CrawlRequest] {
            // The POST goes straight to the item rule (index 1), as a request the rule made would.
            [
                CrawlRequest(url: base + "/"),
                CrawlRequest(
                    url: base + "/search", method: .post, headers: HTTPHeaders([("X-Search-Token", "t0ke")]),
                    body: Data("q=widgets\n&page=1".utf8), meta: [CrawlSpider.ruleKey: "1"])
            ]
        }

        override func makeRules() throws -> [CrawlRule] {
            [
                CrawlRule(try LinkExtractor(allow: ["/cat/"])),
                CrawlRule(
                    try LinkExtractor(allow: ["/item/"]),
                    callback: { page, output in
                        output.yield(Item(path: URL(string: page.url)?.path ?? "", title: try page.xpath("//title/text()").first ?? ""))
                    })
            ]
        }
    }

    /// Crawls the site with `frontier`; returns the items and the paths fetched.
    private static func crawl(_ frontier: FrontierFactory?) async throws -> (items: Set<Item>, paths: [String]) {
        let server = try await TestServer.start()
        site(server)
        let itemsPath = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-shared-items-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: itemsPath) }
        let feed = try FeedExporter(path: itemsPath, format: .jsonLines)
        var settings = CrawlSettings()
        if let frontier { settings.frontier = frontier }
        _ = try await Crawler(spider: SearchingSpider(base: String(server.url("/").dropLast())), settings: settings, itemFeeds: [feed])
            .run()
        feed.close()
        try await server.shutdown()
        let items = try String(contentsOfFile: itemsPath, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Item.self, from: Data($0.utf8))
        }
        return (Set(items), server.recordedRequests.map(\.path).filter { $0 != "/robots.txt" })
    }

    @Test("A CrawlSpider with rules and a POST request gets the same items over Redis as in-process")
    func sameItemsOverRedis() async throws {
        let local = try await Self.crawl(nil)
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let shared = try await Self.crawl(.redis(try redis.frontierURL(name: "rules")))
        #expect(local.items.contains(Item(path: "/search", title: "Search POST 17")))
        #expect(local.items.count == 5)
        #expect(shared.items == local.items)
        #expect(Set(shared.paths) == Set(local.paths))
        #expect(!shared.paths.contains("/about"), "the item rule does not follow")
        #expect(shared.paths.count == Set(shared.paths).count)
    }
}
