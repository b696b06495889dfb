import AsyncURLSupport
import CrawlFrontier
import TestServer
import Testing

@testable import Crawling

/// A crawl does not offer the frontier links it already knows as seen.
@Suite("Known links")
struct KnownLinksTests {
    /// The in-memory frontier, counting the entries offered to it.
    final class CountingFrontier: URLFrontier {
        let inner: Frontier
        let offered = LockedCount()

        init(_ inner: Frontier) { self.inner = inner }

        var policy: PolitenessPolicy { inner.policy }
        func addSeeds(_ entries: [FrontierEntry]) async -> [FrontierAddOutcome] { await inner.addSeeds(entries) }
        func add(contentsOf entries: [FrontierEntry]) async -> [FrontierAddOutcome] {
            offered.add(entries.count)
            return await inner.add(contentsOf: entries)
        }
        func markSeen(_ fingerprint: UInt64) async -> Bool { await inner.markSeen(fingerprint) }
        func next() async -> FrontierEntry? { await inner.next() }
        func nextIfReady() async -> FrontierEntry? { await inner.nextIfReady() }
        func complete(_ entry: FrontierEntry, outcome: FetchOutcome) async -> FrontierCompletion {
            await inner.complete(entry, outcome: outcome)
        }
        var counters: FrontierCounters { get async { await inner.counters } }
        var queuedCount: Int { get async { await inner.queuedCount } }
        var inFlightCount: Int { get async { await inner.inFlightCount } }
        var hostCount: Int { get async { await inner.hostCount } }
        var activity: FrontierActivity { get async { await inner.activity } }
        func close() async throws { try await inner.close() }
    }

    /// A count several tasks add to.
    final class LockedCount: Sendable {
        private let state = LockedState(0)
        func add(_ count: Int) { state.withLock { $0 += count } }
        var value: Int { state.withLock { $0 } }
    }

    /// 20 pages, each linking to all 20 (the site's navigation) and to itself twice.
    private func startSite() async throws -> TestServer {
        let server = try await TestServer.start()
        let navigation = (0..<20).map { "<a href=\"/nav/\($0)\">\($0)</a>" }.joined()
        server.addRoute("/nav/") { request in
            .html("<html><body>\(navigation)<a href=\"\(request.path)\">me</a><a href=\"\(request.path)#top\">top</a></body></html>")
        }
        return server
    }

    /// Crawls the site from its first page; returns the statistics and the entries offered to the frontier.
    private func crawlSite(recordsOutlinks: Bool) async throws -> (stats: CrawlStats, offered: Int) {
        let server = try await startSite()
        let counting = LockedState<CountingFrontier?>(nil)
        var settings = CrawlSettings()
        settings.recordsOutlinks = recordsOutlinks
        settings.frontier = FrontierFactory { configuration, fetcher in
            let frontier = CountingFrontier(Frontier(configuration: configuration, robotsFetcher: fetcher))
            counting.withLock { $0 = frontier }
            return frontier
        }
        let crawler = Crawler(spider: FollowAllSpider(seeds: [server.url("/nav/0")]), settings: settings)
        let stats = try await crawler.run()
        try await server.shutdown()
        return (stats, try #require(counting.withLock { $0 }).offered.value)
    }

    @Test("A site's navigation is offered to the frontier about once, not once per page; duplicates count as before")
    func navigationOfferedOnce() async throws {
        let (stats, offered) = try await crawlSite(recordsOutlinks: false)
        #expect(stats.pages == 20)
        #expect(stats.linksFound == 20 * 22)
        // Every link found and not queued is a duplicate, offered or not.
        #expect(stats.duplicates == 20 * 22 - 19)
        // Each page's 22 links were all offered before (440); now a link goes once
        // per page only until the frontier has answered for it.
        #expect(offered < 20 * 22 / 2, "entries offered: \(offered)")
        #expect(offered >= 20)
    }

    @Test("With --outlinks every link found is still offered (the page record lists what was offered)")
    func outlinksOfferEverything() async throws {
        let (stats, offered) = try await crawlSite(recordsOutlinks: true)
        #expect(stats.pages == 20)
        #expect(stats.duplicates == 20 * 22 - 19)
        #expect(offered == 20 * 22)
    }
}
