import AsyncURLSupport
import Foundation
import TestServer
import Testing

@testable import Crawling

/// A page's nofollow links reach the spider only when the crawl follows them;
/// a page marked nofollow gives none.
@Suite("Nofollow links as a spider gets them")
struct PageLinksNofollowTests {
    private func crawl(_ server: TestServer, followsNofollow: Bool) async throws -> [String: [String]] {
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.maxDepth = 0
        settings.followsNofollow = followsNofollow
        let seeds = ["/mixed", "/plain", "/marked"].map { server.url($0) }
        let spider = AnchorTextCrawlTests.LinkRecordingSpider(seeds: seeds, onlyFollows: true)
        _ = try await Crawler(spider: spider, settings: settings).run()
        return spider.links
    }

    @Test("rel=nofollow links are dropped, a nofollow page gives none, and a page without either keeps all")
    func nofollowLinks() async throws {
        let server = try await TestServer.start()
        server.addRoute("/mixed") { _ in .html("<a href=\"/a\">a</a><a href=\"/b\" rel=\"external nofollow\">b</a>") }
        server.addRoute("/plain") { _ in .html("<a href=\"/a\">a</a><a href=\"/c\">c</a>") }
        server.addRoute("/marked") { _ in
            TestResponse(
                headers: [("Content-Type", "text/html")],
                body: Array("<html><head><meta name=robots content=nofollow></head><body><a href=\"/a\">a</a></body></html>".utf8))
        }
        let dropped = try await crawl(server, followsNofollow: false)
        let followed = try await crawl(server, followsNofollow: true)
        try await server.shutdown()
        let (a, b, c) = (server.url("/a"), server.url("/b"), server.url("/c"))
        #expect(dropped[server.url("/mixed")] == ["\(a) []"])
        #expect(dropped[server.url("/plain")] == ["\(a) []", "\(c) []"])
        #expect(dropped[server.url("/marked")] == [])
        #expect(followed[server.url("/mixed")] == ["\(a) []", "\(b) []"])
        #expect(followed[server.url("/marked")] == ["\(a) []"])
    }
}
