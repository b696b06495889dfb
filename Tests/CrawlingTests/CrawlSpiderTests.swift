import AsyncURLSupport
import Crawling
import Foundation
import LinkExtraction
import TestServer
import Testing

/// `CrawlSpider`: rules with link extractors and callbacks, at a loopback shop.
@Suite("Rule-driven spiders")
struct CrawlSpiderTests {
    /// `/` → categories and one item; a category → its items and its second
    /// page; an item → a category that only an item links to (not followed,
    /// the item rule does not follow).
    private static func shop(_ server: TestServer) {
        @Sendable func page(_ title: String, _ links: [String], nav: [String] = []) -> TestResponse {
            let anchors = links.map { "<a href=\"\($0)\">\($0)</a>" }.joined()
            let navigation = nav.map { "<a href=\"\($0)\">\($0)</a>" }.joined()
            let html = "<html><head><title>\(title)</title></head><body><nav>\(navigation)</nav><main>\(anchors)</main></body></html>"
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array(html.utf8))
        }
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/item/") { request in page("Item \(request.path.dropFirst(6))", ["/cat/99", "/about"]) }
        server.addRoute("/cat/") { request in
            let parts = request.path.split(separator: "/")
            let number = parts.count > 1 ? String(parts[1]) : "0"
            if parts.count > 2 { return page("Category \(number), page 2", ["/item/\(number)3"]) }
            return page("Category \(number)", ["/item/\(number)1", "/item/\(number)2", "/other"], nav: ["/cat/\(number)/page2"])
        }
        server.addRoute("/") { request in
            guard request.path == "/" else { return TestResponse(status: 404, text: "not found") }
            return page("Shop", ["/cat/1", "/cat/2", "/item/9", "/about"])
        }
    }

    struct Item: Codable, Sendable, Hashable {
        var url: String
        var title: String
    }

    final class ShopSpider: CrawlSpider, @unchecked Sendable {
        let start: String
        let restrictsCategories: Bool
        let onItem: @Sendable () -> Void

        init(start: String, restrictsCategories: Bool = false, onItem: @escaping @Sendable () -> Void = {}) {
            self.start = start
            self.restrictsCategories = restrictsCategories
            self.onItem = onItem
        }

        override var startURLs: [String] { [start] }

        override func makeRules() throws -> [CrawlRule] {
            [
                CrawlRule(try LinkExtractor(allow: ["/cat/"], restrictXPaths: restrictsCategories ? ["//main"] : [])),
                CrawlRule(
                    try LinkExtractor(allow: ["/item/"]),
                    callback: { [unowned self] page, output in
                        output.yield(Item(url: page.url, title: try page.xpath("//title/text()").first ?? ""))
                        self.onItem()
                    })
            ]
        }
    }

    private func paths(_ server: TestServer) -> [String] {
        server.recordedRequests.map(\.path).filter { $0 != "/robots.txt" }
    }

    private func readItems(_ path: String) throws -> [Item] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Item.self, from: Data($0.utf8))
        }
    }

    @Test("Links go with the first rule that takes them; callbacks parse; a rule without follow stops there")
    func rules() async throws {
        let server = try await TestServer.start()
        Self.shop(server)
        let itemsPath = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-items-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: itemsPath) }
        let feed = try FeedExporter(path: itemsPath, format: .jsonLines)
        let stats = try await Crawler(spider: ShopSpider(start: server.url("/")), itemFeeds: [feed]).run()
        feed.close()
        try await server.shutdown()
        let expectedItems = ["/item/9", "/item/11", "/item/12", "/item/13", "/item/21", "/item/22", "/item/23"]
        #expect(Set(paths(server)) == Set(["/", "/cat/1", "/cat/2", "/cat/1/page2", "/cat/2/page2"] + expectedItems))
        #expect(paths(server).count == Set(paths(server)).count)
        let items = try readItems(itemsPath)
        #expect(Set(items.map { URL(string: $0.url)?.path ?? "" }) == Set(expectedItems))
        #expect(items.contains(Item(url: server.url("/item/12"), title: "Item 12")))
        #expect(stats.items == 7)
    }

    @Test("A rule restricted to an XPath region takes only the links inside it")
    func restrictedRegion() async throws {
        let server = try await TestServer.start()
        Self.shop(server)
        _ = try await Crawler(spider: ShopSpider(start: server.url("/"), restrictsCategories: true)).run()
        try await server.shutdown()
        let fetched = Set(paths(server))
        #expect(fetched.contains("/cat/1"))
        #expect(!fetched.contains("/cat/1/page2"), "linked from <nav> only")
        #expect(!fetched.contains("/item/13"))
    }

    @Test("Stopped midway and resumed from its state, the spider keeps each request's rule: every item once")
    func resumeKeepsRules() async throws {
        let server = try await TestServer.start()
        Self.shop(server)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-rules-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var settings = CrawlSettings()
        settings.stateDirectory = directory + "/state"
        settings.perHostConcurrency = 1
        settings.concurrency = 1
        let itemsPath = directory + "/items.jsonl"

        let firstFeed = try FeedExporter(path: itemsPath, format: .jsonLines)
        let crawler = LockedState<Crawler?>(nil)
        let seen = LockedState(0)
        let spider = ShopSpider(start: server.url("/")) {
            if seen.withLock({
                $0 += 1
                return $0
            }) == 2 {
                crawler.withLock { $0 }?.stop()
            }
        }
        let first = Crawler(spider: spider, settings: settings, itemFeeds: [firstFeed])
        crawler.withLock { $0 = first }
        _ = try await first.run()
        // The spider's closure holds the crawler that holds the spider: break the cycle.
        crawler.withLock { $0 = nil }
        firstFeed.close()
        let stoppedItems = try readItems(itemsPath).count
        #expect(stoppedItems >= 2 && stoppedItems < 7, "stopped midway")

        let secondFeed = try FeedExporter(path: itemsPath, format: .jsonLines, append: true)
        _ = try await Crawler(spider: ShopSpider(start: server.url("/")), settings: settings, itemFeeds: [secondFeed]).run()
        secondFeed.close()
        try await server.shutdown()
        let items = try readItems(itemsPath).map { URL(string: $0.url)?.path ?? "" }
        #expect(items.count == 7)
        #expect(Set(items) == ["/item/9", "/item/11", "/item/12", "/item/13", "/item/21", "/item/22", "/item/23"])
    }
}
