import AsyncURL
import AsyncURLSupport
import Crawling
import Foundation
import LinkExtraction
import TestServer
import Testing

/// `SitemapSpider` against real loopback servers: the demo site (nginx) and a
/// small hand-made site (the SwiftNIO test server) for rules, follow patterns,
/// alternates and the entry filter.
@Suite("Sitemap spider", .serialized)
struct SitemapSpiderTests {
    /// Records the pages parsed (URL → lastmod from the sitemap).
    final class RecordingSpider: SitemapSpider, @unchecked Sendable {
        let start: String
        let parsed = LockedState<[String: String?]>([:])
        let calls = LockedState(0)

        init(start: String) {
            self.start = start
            super.init()
        }

        override var sitemapURLs: [String] { [start] }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            calls.withLock { $0 += 1 }
            parsed.withLock { $0[response.url] = response.meta[SitemapSpider.lastModifiedKey] }
        }
    }

    @Test("From robots.txt through the sitemap index (plain and gzipped urlsets): exactly the sitemap's allowed pages")
    func demoSite() async throws {
        let site = try await DemoSiteServer.startGenerated()
        defer { site.stop() }
        let sitemap = try site.sitemapManifest()
        // The generated copy is the checked-in demo site but for the origin.
        let checkedIn = DemoSiteServer.repositoryRoot.appendingPathComponent("Examples/demo-site/manifest.txt")
        #expect(try site.manifest() == Set(try String(contentsOf: checkedIn, encoding: .utf8).split(separator: "\n").map(String.init)))
        #expect(sitemap.pages.count == 48)
        #expect(!sitemap.disallowed.isEmpty)

        let spider = RecordingSpider(start: site.baseURL + "/robots.txt")
        var settings = CrawlSettings()
        settings.perHostConcurrency = 4
        // Depth 0: only the pages the sitemaps list (the sitemap levels are added by the spider).
        settings.maxDepth = 0
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-sitemap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logPath = directory.appendingPathComponent("pages.jsonl").path
        let pageLog = try FeedExporter(path: logPath, format: .jsonLines)
        let stats = try await Crawler(spider: spider, settings: settings, pageLog: pageLog).run()
        pageLog.close()
        let records = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(PageRecord.self, from: Data($0.utf8)) }

        let parsed = spider.parsed.withLock { $0 }
        let parsedPaths = Set(parsed.keys.map { String($0.dropFirst(site.baseURL.count)) })
        #expect(parsedPaths == sitemap.pages)
        #expect(spider.calls.withLock { $0 } == sitemap.pages.count)
        #expect(parsed.values.allSatisfy { $0?.wholeMatch(of: /2026-\d\d-\d\d/) != nil })
        #expect(parsed[site.baseURL + "/"] == "2026-01-01")

        let fetched = records.map { String($0.url.dropFirst(site.baseURL.count)) }
        #expect(Set(fetched) == sitemap.pages.union(sitemap.files).union(["/robots.txt"]))
        #expect(fetched.count == Set(fetched).count)
        #expect(Set(fetched).isDisjoint(with: sitemap.disallowed))
        #expect(stats.robotsDenied == sitemap.disallowed.count)

        let counters = spider.sitemapCounters
        #expect(counters.robotsFiles == 1)
        #expect(counters.sitemaps == 3)
        #expect(counters.pageRequests == sitemap.pages.count + sitemap.disallowed.count)
        #expect(counters.issues.isEmpty && counters.notSitemaps == 0 && counters.invalidPatterns == 0)
    }

    /// Rules with their own callbacks (no catch-all), two follow patterns, alternates, and a lastmod filter.
    final class RuleSpider: SitemapSpider, @unchecked Sendable {
        let start: String
        let products = LockedState<Set<String>>([])
        let posts = LockedState<Set<String>>([])
        let parsedByDefault = LockedState(0)

        init(start: String) {
            self.start = start
            super.init()
        }

        override var sitemapURLs: [String] { [start] }
        override var sitemapFollow: [String] { ["products", "blog"] }
        override var sitemapAlternateLinks: Bool { true }
        override var sitemapRules: [SitemapRule] {
            [
                SitemapRule("/product/") { [products] response, _ in
                    products.withLock { _ = $0.insert(URLComponents(string: response.url)?.path ?? "") }
                },
                SitemapRule("^http://[^/]+/blog/") { [posts] response, _ in
                    posts.withLock { _ = $0.insert(URLComponents(string: response.url)?.path ?? "") }
                },
                SitemapRule("(unclosed")
            ]
        }

        override func sitemapFilter(_ entries: [SitemapEntry], kind: Sitemap.Kind) -> [SitemapEntry] {
            kind == .index ? entries : entries.filter { ($0.lastModified ?? "9999") >= "2026" }
        }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            parsedByDefault.withLock { $0 += 1 }
        }
    }

    @Test("Rules pick callbacks (first match), follow patterns pick index children, alternates and the filter apply")
    func rules() async throws {
        let server = try await TestServer.start()
        let base = server.baseURL
        let otherHost = "http://127.0.0.2:\(server.port)"
        @Sendable func xml(_ body: String) -> TestResponse {
            TestResponse(headers: [("Content-Type", "application/xml")], body: Array(body.utf8))
        }
        server.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /blocked/\n\nSitemap: /sitemap-index.xml\n") }
        server.addRoute("/sitemap-index.xml") { _ in
            xml(
                """
                <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                <sitemap><loc>\(base)/sitemap-products.xml</loc></sitemap>
                <sitemap><loc>\(base)/sitemap-blog.xml.gz</loc></sitemap>
                <sitemap><loc>\(base)/sitemap-ignored.xml</loc></sitemap>
                </sitemapindex>
                """)
        }
        server.addRoute("/sitemap-products.xml") { _ in
            xml(
                """
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
                <url><loc>\(base)/product/1</loc><lastmod>2026-05-01</lastmod>
                  <xhtml:link rel="alternate" hreflang="de" href="\(base)/de/product/1"/></url>
                <url><loc>\(base)/product/2</loc><lastmod>2020-01-01</lastmod></url>
                <url><loc>\(base)/blocked/product/3</loc></url>
                <url><loc>\(otherHost)/product/4</loc></url>
                <url><loc>/product/relative</loc></url>
                </urlset>
                """)
        }
        server.addRoute("/sitemap-blog.xml.gz") { _ in
            let text = "\(base)/blog/a\n\(base)/blog/b\n\(base)/misc/x\n\(base)/product/1\n"
            return TestResponse(
                headers: [("Content-Type", "application/gzip")], body: StreamingCompressor.compressAll(Array(text.utf8), as: .gzip))
        }
        server.addRoute("/sitemap-ignored.xml") { _ in xml("<urlset><url><loc>\(base)/ignored</loc></url></urlset>") }
        server.addRoute("/") { _ in
            TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><title>t</title><a href=/linked>x</a></html>".utf8))
        }

        let spider = RuleSpider(start: base + "/robots.txt")
        var settings = CrawlSettings()
        settings.maxDepth = 0
        let stats = try await Crawler(spider: spider, settings: settings).run()
        try await server.shutdown()

        #expect(spider.products.withLock { $0 } == ["/product/1", "/de/product/1"])
        #expect(spider.posts.withLock { $0 } == ["/blog/a", "/blog/b"])
        #expect(spider.parsedByDefault.withLock { $0 } == 0)
        let requested = Set(server.recordedRequests.map(\.path))
        #expect(
            requested == [
                "/robots.txt", "/sitemap-index.xml", "/sitemap-products.xml", "/sitemap-blog.xml.gz",
                "/product/1", "/de/product/1", "/blog/a", "/blog/b"
            ])
        let counters = spider.sitemapCounters
        #expect(counters.filtered == 1)
        #expect(counters.unmatched == 2)
        #expect(counters.invalidPatterns == 1)
        #expect(counters.issues[.skippedLocation] == 1)
        #expect(stats.robotsDenied == 1)
        #expect(stats.offScope == 1)
    }
}
