import AsyncURLSupport
import Foundation
import TestServer
import Testing

@testable import Crawling

/// A crawl collects the links' anchor text only when its spider may read it:
/// a spider that reads links only to follow them gets them without text, and
/// the same links otherwise.
@Suite("Anchor text in a crawl")
struct AnchorTextCrawlTests {
    /// Records the links (URL and text) of every page it sees; follows none.
    final class LinkRecordingSpider: Spider, @unchecked Sendable {
        private let seeds: [String]
        private let onlyFollows: Bool
        private let recorded = LockedState<[String: [String]]>([:])

        init(seeds: [String], onlyFollows: Bool) {
            self.seeds = seeds
            self.onlyFollows = onlyFollows
            super.init()
        }

        override var startURLs: [String] { seeds }
        override var readsLinksOnlyToFollow: Bool { onlyFollows }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            let links = response.links.map { "\($0.url) [\($0.text)]" }
            recorded.withLock { $0[response.url] = links }
        }

        /// The links seen, by page URL.
        var links: [String: [String]] { recorded.withLock { $0 } }
    }

    private func crawl(_ server: TestServer, onlyFollows: Bool) async throws -> [String: [String]] {
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.maxDepth = 1
        let spider = LinkRecordingSpider(seeds: [server.url("/start")], onlyFollows: onlyFollows)
        _ = try await Crawler(spider: spider, settings: settings).run()
        return spider.links
    }

    @Test("Links read only to follow them come without text; the same URLs as with text")
    func textIsCollectedOnlyWhenRead() async throws {
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in
            .html("<a href=\"/a\">First page</a> <a href=\"b\">Second</a> <map><area href=\"/c\" alt=\"Area\"></map>")
        }
        let read = try await crawl(server, onlyFollows: false)
        let followed = try await crawl(server, onlyFollows: true)
        try await server.shutdown()
        let start = server.url("/start")
        #expect(read[start] == ["\(server.url("/a")) [First page]", "\(server.url("/b")) [Second]", "\(server.url("/c")) [Area]"])
        #expect(followed[start] == ["\(server.url("/a")) []", "\(server.url("/b")) []", "\(server.url("/c")) []"])
    }
}
