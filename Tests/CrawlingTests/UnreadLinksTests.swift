import AsyncURLSupport
import Foundation
import TestServer
import Testing

@testable import Crawling

/// Pages whose links no one reads are not parsed: a list fetch
/// (`maxDepth` 0) costs the fetches alone, unless links are counted,
/// recorded or read by the spider.
@Suite("Pages whose links no one reads")
struct UnreadLinksTests {
    /// A spider that reads every page's links for more than following them (it counts them).
    final class LinkCountingSpider: Spider, @unchecked Sendable {
        private let seeds: [String]
        let seen = LockedLinkCounts()

        init(seeds: [String]) {
            self.seeds = seeds
            super.init()
        }

        override var startURLs: [String] { seeds }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            seen.record(response.links.count)
            output.follow(response.links)
        }
    }

    /// The link counts a spider saw.
    final class LockedLinkCounts: Sendable {
        private let counts = LockedState<[Int]>([])
        func record(_ count: Int) { counts.withLock { $0.append(count) } }
        var values: [Int] { counts.withLock { $0 } }
    }

    /// `/start` links to `/a` and `/b`; `/a` links to `/c`; `/b` and `/c` link nowhere.
    private func startSite() async throws -> TestServer {
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in .links(["/a", "/b"]) }
        server.addRoute("/a") { _ in .links(["/c"]) }
        server.addRoute("/b") { _ in .links([]) }
        server.addRoute("/c") { _ in .links([]) }
        return server
    }

    /// Crawls `server` from `paths`; returns the page log's records by path, and the statistics.
    private func crawl(
        _ server: TestServer, from paths: [String], spider: Spider? = nil, _ configure: (inout CrawlSettings) -> Void
    ) async throws -> (records: [String: PageRecord], stats: CrawlStats) {
        var settings = CrawlSettings()
        settings.obeysRobots = false
        configure(&settings)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-unread-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pages = try FeedExporter(path: path, format: .jsonLines)
        let seeds = paths.map { server.url($0) }
        let crawler = Crawler(spider: spider ?? FollowAllSpider(seeds: seeds), settings: settings, pageLog: pages)
        let stats = try await crawler.run()
        pages.close()
        let decoder = JSONDecoder()
        let records = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try decoder.decode(PageRecord.self, from: Data($0.utf8)) }
        let base = server.url("")
        return (Dictionary(records.map { (String($0.url.dropFirst(base.count - 1)), $0) }, uniquingKeysWith: { first, _ in first }), stats)
    }

    @Test("A list fetch (max depth 0) parses nothing: its lines have no links count; with countsLinks they have it")
    func listFetchParsesNothing() async throws {
        let server = try await startSite()
        let unparsed = try await crawl(server, from: ["/start", "/a"]) {
            $0.maxDepth = 0
            $0.countsLinks = false
        }
        let counted = try await crawl(server, from: ["/start", "/a"]) { $0.maxDepth = 0 }
        try await server.shutdown()
        #expect(Set(unparsed.records.keys) == ["/start", "/a"])
        #expect(unparsed.records.values.allSatisfy { $0.links == nil && $0.status == 200 })
        #expect(unparsed.stats.linksFound == 0)
        #expect(counted.records["/start"]?.links == 2)
        #expect(counted.records["/a"]?.links == 1)
        #expect(counted.stats.linksFound == 3)
    }

    @Test("A list fetch counts the bodies it does not keep: the same bytes and limits as a crawl that reads them")
    func unreadBodiesAreCounted() async throws {
        let server = try await TestServer.start()
        let paths = ["/bytes/300000", "/chunked/300000", "/gzip", "/bytes/1500000", "/chunked/1500000"]
        // The built-in spider at the max depth reads no body; the link-counting spider reads every one.
        let unread = try await crawl(server, from: paths) {
            $0.maxDepth = 0
            $0.countsLinks = false
            $0.maxBodySize = 1_000_000
        }
        let read = try await crawl(server, from: paths, spider: LinkCountingSpider(seeds: paths.map { server.url($0) })) {
            $0.maxDepth = 0
            $0.maxBodySize = 1_000_000
        }
        try await server.shutdown()
        #expect(unread.records["/bytes/300000"]?.bytes == 300_000)
        #expect(unread.records["/chunked/300000"]?.bytes == 300_000)
        #expect(unread.records["/gzip"]?.bytes == TestServer.compressibleText.utf8.count)
        for path in ["/bytes/1500000", "/chunked/1500000"] {
            #expect(unread.records[path]?.error?.contains("bodyTooLarge") == true, "\(path): \(String(describing: unread.records[path]))")
        }
        for path in paths {
            #expect(unread.records[path]?.bytes == read.records[path]?.bytes, "\(path)")
            #expect(unread.records[path]?.error == read.records[path]?.error, "\(path)")
        }
    }

    @Test("In a deeper crawl only the pages at the max depth go unparsed; the crawl's pages are the same")
    func onlyTheLastDepthIsUnparsed() async throws {
        let server = try await startSite()
        let crawled = try await crawl(server, from: ["/start"]) {
            $0.maxDepth = 1
            $0.countsLinks = false
        }
        try await server.shutdown()
        #expect(Set(crawled.records.keys) == ["/start", "/a", "/b"])
        #expect(crawled.records["/start"]?.links == 2)
        #expect(crawled.records["/a"]?.links == nil)
        #expect(crawled.records["/b"]?.links == nil)
    }

    @Test("Links recorded as outlinks, or read by the spider, are still extracted at the max depth")
    func readLinksAreExtracted() async throws {
        let server = try await startSite()
        let outlinks = try await crawl(server, from: ["/start"]) {
            $0.maxDepth = 0
            $0.countsLinks = false
            $0.recordsOutlinks = true
        }
        let spider = LinkCountingSpider(seeds: [server.url("/start")])
        let read = try await crawl(server, from: ["/start"], spider: spider) {
            $0.maxDepth = 0
            $0.countsLinks = false
        }
        try await server.shutdown()
        #expect(outlinks.records["/start"]?.links == 2)
        #expect(outlinks.records["/start"]?.outlinks == [server.url("/a"), server.url("/b")])
        #expect(read.records["/start"]?.links == 2)
        #expect(spider.seen.values == [2])
    }

    @Test("A resumable crawl keeping its decision record parses pages at the max depth (for --explain); without the record it does not")
    func decisionRecordNeedsLinks() async throws {
        let server = try await startSite()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-unread-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorded = try await crawl(server, from: ["/start"]) {
            $0.maxDepth = 0
            $0.countsLinks = false
            $0.stateDirectory = directory + "/recorded"
        }
        let unrecorded = try await crawl(server, from: ["/start"]) {
            $0.maxDepth = 0
            $0.countsLinks = false
            $0.stateDirectory = directory + "/unrecorded"
            $0.recordsURLDecisions = false
        }
        try await server.shutdown()
        #expect(recorded.records["/start"]?.links == 2)
        #expect(unrecorded.records["/start"]?.links == nil)
    }
}
