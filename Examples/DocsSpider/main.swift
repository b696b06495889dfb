// A docs-site spider: crawls a site and scrapes each page's title and
// headings with XPath, writing one JSON line per page to standard output.
//
//     swift run docs-spider http://127.0.0.1:8080/ > docs.jsonl
import Crawling
import Foundation

/// One scraped page.
struct DocPage: Encodable, Sendable {
    var url: String
    var title: String
    var headings: [String]
    var depth: Int
}

// Swift asks every subclass of Spider to restate `@unchecked Sendable`; the
// promise holds because the stored properties are `let`s of Sendable types and
// what changes during the crawl is in a SpiderState (parse runs concurrently).
final class DocsSpider: Spider, @unchecked Sendable {
    private let start: String
    /// Pages without a <title>, by depth: changed by parse calls running at the same time.
    let untitledPages = SpiderState([Int: Int]())

    init(start: String) {
        self.start = start
        super.init()
    }

    override var name: String { "docs" }
    override var startURLs: [String] { [start] }

    override func customize(_ settings: inout CrawlSettings) {
        settings.perHostConcurrency = 4
        settings.maxDepth = 5
    }

    override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
        guard response.isHTML, response.status == 200 else { return }
        let document = try response.document()
        let title = try document.strings(xpath: "//title/text()").first ?? ""
        if title.isEmpty {
            untitledPages.withLock { $0[response.depth, default: 0] += 1 }
        }
        let headings = try document.xpath("//h1 | //h2").map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        output.yield(DocPage(url: response.url, title: title, headings: headings, depth: response.depth))
        for link in response.links {
            output.follow(link)
        }
    }
}

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: docs-spider START_URL\n".utf8))
    exit(2)
}
do {
    let feed = try FeedExporter(path: "-", format: .jsonLines)
    let spider = DocsSpider(start: CommandLine.arguments[1])
    let stats = try await Crawler(spider: spider, itemFeeds: [feed]).run()
    feed.close()
    FileHandle.standardError.write(Data((stats.summary + "\n").utf8))
    let untitled = spider.untitledPages.value.sorted { $0.key < $1.key }.map { "depth \($0.key): \($0.value)" }
    FileHandle.standardError.write(Data("pages without a title: \(untitled.isEmpty ? "none" : untitled.joined(separator: ", "))\n".utf8))
} catch {
    FileHandle.standardError.write(Data("docs-spider: \(error)\n".utf8))
    exit(1)
}
