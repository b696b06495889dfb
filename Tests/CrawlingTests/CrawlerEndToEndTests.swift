import Crawling
import Foundation
import Testing

/// Crawls of the bundled demo site (served by nginx on loopback), checked
/// against the site's manifest: the exact set of URLs a correct crawl fetches.
@Suite("End-to-end crawls of the demo site", .serialized)
struct CrawlerEndToEndTests {
    private struct Crawled {
        var stats: CrawlStats
        var records: [PageRecord]
        var items: [[String: String]]
    }

    private func crawl(_ site: DemoSiteServer, spider: Spider? = nil, _ configure: (inout CrawlSettings) -> Void = { _ in }) async throws
        -> Crawled
    {
        var settings = CrawlSettings()
        settings.perHostConcurrency = 4
        configure(&settings)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-crawl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pages = try FeedExporter(path: directory.appendingPathComponent("pages.jsonl").path, format: .jsonLines)
        let items = try FeedExporter(path: directory.appendingPathComponent("items.jsonl").path, format: .jsonLines)
        let crawler = Crawler(
            spider: spider ?? FollowAllSpider(seeds: [site.baseURL + "/"]), settings: settings, itemFeeds: [items], pageLog: pages)
        let stats = try await crawler.run()
        pages.close()
        items.close()
        let decoder = JSONDecoder()
        let records = try String(contentsOf: directory.appendingPathComponent("pages.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try decoder.decode(PageRecord.self, from: Data($0.utf8)) }
        let itemLines = try String(contentsOf: directory.appendingPathComponent("items.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try decoder.decode([String: String].self, from: Data($0.utf8)) }
        return Crawled(stats: stats, records: records, items: itemLines)
    }

    /// Every URL path fetched: requested URLs, redirect hops and final URLs.
    private func fetchedPaths(_ records: [PageRecord], base: String) -> Set<String> {
        var paths: Set<String> = []
        for record in records {
            for url in [record.url, record.finalURL].compactMap({ $0 }) + (record.redirects ?? []) where url.hasPrefix(base) {
                paths.insert(String(url.dropFirst(base.count)))
            }
        }
        return paths
    }

    @Test("A full crawl fetches exactly the manifest, each URL once, obeying robots.txt")
    func fullCrawl() async throws {
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let result = try await crawl(site)
        #expect(fetchedPaths(result.records, base: site.baseURL) == (try site.manifest()))
        let requested = result.records.map(\.url)
        #expect(Set(requested).count == requested.count)
        #expect(!requested.contains { $0.contains("/private/") && !$0.hasSuffix("/private/press-kit.html") })
        #expect(!requested.contains { $0.contains("/trap/") })
        #expect(result.stats.robotsDenied > 0)
        #expect(result.stats.offScope > 0)
        #expect(result.stats.pages == result.records.count)
        #expect(result.records.allSatisfy { $0.status != nil && $0.error == nil })
    }

    @Test("Without following nofollow links, the nofollow-only pages are not fetched")
    func nofollow() async throws {
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let result = try await crawl(site) { $0.followsNofollow = false }
        let expected = try site.manifest().subtracting(try site.nofollowOnly())
        #expect(!(try site.nofollowOnly()).isEmpty)
        #expect(fetchedPaths(result.records, base: site.baseURL) == expected)
    }

    @Test("Depth and page limits hold")
    func limits() async throws {
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let shallow = try await crawl(site) { $0.maxDepth = 1 }
        #expect(shallow.records.allSatisfy { $0.depth <= 1 })
        #expect(shallow.records.contains { $0.depth == 1 })
        let capped = try await crawl(site) { $0.maxPages = 10 }
        #expect(capped.records.count == 10)
        let seedsOnly = try await crawl(site) { $0.maxDepth = 0 }
        #expect(seedsOnly.records.map(\.url) == [site.baseURL + "/"])
    }

    @Test("A spider's callbacks scrape items with XPath and choose what to follow")
    func customSpider() async throws {
        final class TitleSpider: SingleStartSpider, @unchecked Sendable {
            override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
                guard response.isHTML else { return }
                let title = try response.xpath("//title/text()").first ?? ""
                let headings = try response.xpath("//h1//text()").joined()
                output.yield(["url": response.url, "title": title, "h1": headings])
                for link in response.links
                where link.url.contains("/section-1/") || link.url.hasSuffix(":\(URL(string: start)?.port ?? 0)/") {
                    output.follow(link, callback: nil)
                }
            }
        }
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let result = try await crawl(site, spider: TitleSpider(start: site.baseURL + "/"))
        #expect(!result.items.isEmpty)
        #expect(result.items.allSatisfy { !($0["title"] ?? "").isEmpty })
        let itemURLs = result.items.compactMap { $0["url"] }
        #expect(itemURLs.allSatisfy { $0 == site.baseURL + "/" || $0.contains("/section-1/") })
        #expect(result.stats.items == result.items.count)
    }

    @Test("A page is parsed once for all of a spider's selector calls, and its text is decoded as the selectors see it")
    func selectorsShareOneParse() async throws {
        final class SelectorSpider: SingleStartSpider, @unchecked Sendable {
            override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
                let before = response.documentParseCount
                let title = try response.xpath("//title/text()").first ?? ""
                let links = try response.xpath("//a/@href").count
                let headings = try response.css("h1").count
                output.yield([
                    "before": "\(before)", "after": "\(response.documentParseCount)", "title": title,
                    "links": "\(links)", "headings": "\(headings)", "textHasTitle": "\(response.text.contains(title))"
                ])
            }
        }
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let result = try await crawl(site, spider: SelectorSpider(start: site.baseURL + "/")) { $0.maxDepth = 0 }
        let item = try #require(result.items.first)
        #expect(item["before"] == "0")
        #expect(item["after"] == "1")
        #expect(!(item["title"] ?? "").isEmpty && item["links"] != "0")
        #expect(item["textHasTitle"] == "true")
    }
}

/// A spider that starts from one URL; subclasses give `parse`.
class SingleStartSpider: Spider, @unchecked Sendable {
    let start: String

    init(start: String) {
        self.start = start
        super.init()
    }

    override var startURLs: [String] { [start] }
}
