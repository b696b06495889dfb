// A sitemap spider: starts from a site's robots.txt, follows its `Sitemap:`
// lines and the sitemap index they name (plain and gzipped urlsets), and writes
// one JSON line per page to standard output: its URL, its <title> (XPath) and
// the lastmod the sitemap gave it.
//
//     scripts/site-server.sh start Examples/demo-site      # http://127.0.0.1:8080/
//     swift run sitemap-spider http://127.0.0.1:8080/robots.txt > pages.jsonl
import Crawling
import Foundation

/// One scraped page.
struct SitemapPage: Encodable, Sendable {
    var url: String
    var title: String
    var lastmod: String?
}

// Swift asks every subclass of Spider to restate `@unchecked Sendable`: the
// promise holds, as the only stored property is a `let` String (mutable state
// would go in a SpiderState: parse runs concurrently for different pages).
final class DemoSitemapSpider: SitemapSpider, @unchecked Sendable {
    private let robots: String

    init(robots: String) {
        self.robots = robots
        super.init()
    }

    override var name: String { "sitemap-demo" }
    override var sitemapURLs: [String] { [robots] }

    override func customize(_ settings: inout CrawlSettings) {
        super.customize(&settings)
        settings.perHostConcurrency = 4
    }

    override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
        guard response.isHTML, response.status == 200 else { return }
        let title = try response.xpath("//title/text()").first ?? ""
        output.yield(SitemapPage(url: response.url, title: title, lastmod: response.meta[SitemapSpider.lastModifiedKey]))
    }
}

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: sitemap-spider ROBOTS_TXT_OR_SITEMAP_URL\n".utf8))
    exit(2)
}
do {
    let spider = DemoSitemapSpider(robots: CommandLine.arguments[1])
    let feed = try FeedExporter(path: "-", format: .jsonLines)
    let stats = try await Crawler(spider: spider, itemFeeds: [feed]).run()
    feed.close()
    let counters = spider.sitemapCounters
    FileHandle.standardError.write(Data((stats.summary + "\n").utf8))
    FileHandle.standardError.write(
        Data(
            "sitemaps: \(counters.sitemaps) read, \(counters.pageRequests) pages listed, \(stats.robotsDenied) denied by robots.txt\n".utf8)
    )
    exit(stats.items > 0 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("sitemap-spider: \(error)\n".utf8))
    exit(1)
}
