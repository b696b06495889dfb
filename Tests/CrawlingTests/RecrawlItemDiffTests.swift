import AsyncURLSupport
import Crawling
import Foundation
import TestServer
import Testing

/// Item diff on a recrawl: a spider's ``KeyedItem``s are written only when
/// added, changed or removed, each with `_change`; unchanged pages give none.
/// The loopback server sends no validators, so the body digest decides.
@Suite("Recrawl item diff")
struct RecrawlItemDiffTests {
    /// The shop's pages: `/p/N` lists its products (sku → price); a missing page is a 404.
    final class Catalog: Sendable {
        let pages = LockedState<[String: [String: String]]>([
            "/p/1": ["a": "1.00", "b": "2.00"],
            "/p/2": ["c": "3.00"],
            "/p/3": ["d": "4.00", "e": "5.00"],
            "/p/4": ["f": "6.00"]
        ])

        func serve(_ server: TestServer) {
            server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
            server.addRoute("/p/") { request in
                guard let products = self.pages.withLock({ $0[request.path] }) else { return TestResponse(status: 404, text: "gone") }
                let rows = products.keys.sorted().map { "<li data-sku=\"\($0)\">\(products[$0] ?? "")</li>" }.joined()
                return TestResponse(
                    headers: [("Content-Type", "text/html")], body: Array("<html><body><ul>\(rows)</ul></body></html>".utf8))
            }
            server.addRoute("/") { request in
                guard request.path == "/" else { return TestResponse(status: 404, text: "not found") }
                let links = (1...4).map { "<a href=\"/p/\($0)\">\($0)</a>" }.joined()
                return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>\(links)</body></html>".utf8))
            }
        }
    }

    struct Product: KeyedItem, Codable, Hashable {
        var sku: String
        var price: String
        var itemKey: String { sku }
    }

    final class ShopSpider: Spider, @unchecked Sendable {
        let start: String
        init(start: String) { self.start = start }
        override var startURLs: [String] { [start] }
        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            for sku in try response.xpath("//li/@data-sku") {
                let price = try response.xpath("//li[@data-sku='\(sku)']/text()").first ?? ""
                output.yield(Product(sku: sku, price: price))
            }
            for link in response.links { output.follow(link) }
        }
    }

    /// One line of the item feed, as written.
    struct Line: Decodable, Hashable {
        var sku: String?
        var price: String?
        var _key: String?
        var _url: String?
        var _change: String
    }

    private func crawl(_ server: TestServer, state: String, feed: String) async throws -> (stats: CrawlStats, lines: [Line]) {
        var settings = CrawlSettings()
        settings.stateDirectory = state
        var recrawl = RecrawlSettings()
        recrawl.revisitsAll = true
        settings.recrawl = recrawl
        let exporter = try FeedExporter(path: feed, format: .jsonLines)
        let stats = try await Crawler(spider: ShopSpider(start: server.url("/")), settings: settings, itemFeeds: [exporter]).run()
        exporter.close()
        let text = try String(contentsOfFile: feed, encoding: .utf8)
        return (stats, try text.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) })
    }

    @Test("First run: every item added; unchanged recrawl: no items; after edits: exactly the added, changed and removed items")
    func itemDiff() async throws {
        let catalog = Catalog()
        let server = try await TestServer.start()
        catalog.serve(server)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recrawl-items-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let state = directory + "/state"

        let first = try await crawl(server, state: state, feed: directory + "/items1.jsonl")
        #expect(Set(first.lines.map(\.sku)) == ["a", "b", "c", "d", "e", "f"])
        #expect(first.lines.allSatisfy { $0._change == "added" })
        #expect(first.stats.changes == ["new": 5])

        let second = try await crawl(server, state: state, feed: directory + "/items2.jsonl")
        #expect(second.lines.isEmpty, "items of unchanged pages are not written again: \(second.lines)")
        #expect(second.stats.changes == ["unchanged": 5])
        #expect(second.stats.pages == 5)

        catalog.pages.withLock { pages in
            pages["/p/1"]?["a"] = "1.50"
            pages["/p/2"]?["g"] = "7.00"
            pages["/p/3"]?["e"] = nil
            pages["/p/4"] = nil
        }
        let third = try await crawl(server, state: state, feed: directory + "/items3.jsonl")
        let expected: Set<Line> = [
            Line(sku: "a", price: "1.50", _change: "changed"),
            Line(sku: "g", price: "7.00", _change: "added"),
            Line(_key: "e", _url: server.url("/p/3"), _change: "removed"),
            Line(_key: "f", _url: server.url("/p/4"), _change: "removed")
        ]
        #expect(Set(third.lines) == expected)
        #expect(third.lines.count == expected.count)
        #expect(third.stats.changes == ["unchanged": 1, "changed": 3, "gone": 1])
        #expect(third.stats.itemChanges == ["added": 1, "changed": 1, "removed": 2])
        try await server.shutdown()
    }
}
