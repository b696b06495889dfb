import Crawling
import Foundation
import LinkExtraction
import TestServer
import Testing

/// The crawler's own memory bounds, in whole crawls against the loopback test
/// server: request callbacks are kept only for requests queued, and the queue
/// has a bound per host.
@Suite("Crawl bounds", .serialized, .timeLimit(.minutes(1)))
struct CrawlBoundsTests {
    /// Follows the start page's target 50 times with 50 callbacks, plus requests the frontier refuses.
    final class DuplicatingSpider: Spider, @unchecked Sendable {
        let start: String
        let target: String
        let offScope: String
        /// The index of each callback that ran.
        let ran = Ran()

        final class Ran: @unchecked Sendable {
            private let lock = NSLock()
            private var indices: [Int] = []
            func append(_ index: Int) { lock.withLock { indices.append(index) } }
            var all: [Int] { lock.withLock { indices } }
        }

        init(start: String, target: String, offScope: String) {
            self.start = start
            self.target = target
            self.offScope = offScope
            super.init()
        }

        override var startURLs: [String] { [start] }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            guard response.url == start else { return }
            let ran = ran
            for index in 0..<50 {
                output.follow(target, callback: { _, _ in ran.append(index) })
                // Off scope, and the start page again: refused, so their callbacks must go at once.
                output.follow(offScope + "/\(index)", callback: { _, _ in ran.append(1000 + index) })
                output.follow(start, callback: { _, _ in ran.append(2000 + index) })
            }
        }
    }

    @Test("Duplicate and refused requests keep no callback, and never replace the callback of the request queued first")
    func callbacksOnlyForQueued() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let spider = DuplicatingSpider(start: server.url("/ok/start"), target: server.url("/ok/target"), offScope: "http://127.0.0.9:9")
        let crawler = Crawler(spider: spider)
        let stats = try await crawler.run()
        try await server.shutdown()

        #expect(spider.ran.all == [0], "callbacks run: \(spider.ran.all)")
        #expect(crawler.storedCallbackCount == 0)
        #expect(stats.pages == 2)
        #expect(stats.offScope == 50)
        #expect(stats.duplicates == 99)
    }

    @Test("Past the per-host queue bound links are counted limited; the crawl goes on and finds them again later")
    func perHostQueueBound() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        // Every hub page links to 200 pages of the same 300; a queue of 50 per host takes a few at a time.
        server.addRoute("/hub/") { request in
            let hub = Int(request.path.split(separator: "/").last ?? "") ?? 0
            // The next hub first, so that it queues before the host's queue is full.
            let links = (hub < 5 ? ["/hub/\(hub + 1)"] : []) + (0..<200).map { "/ok/\(($0 + hub * 50) % 300)" }
            return .links(links)
        }
        var settings = CrawlSettings()
        settings.maxQueuedURLsPerHost = 50
        // No memory budget: nothing waits on disk, so URLs past the bound are refused.
        settings.memoryBudget = nil
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/hub/0")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.stats.queueLimited > 0)
        #expect(crawl.stats.limited >= crawl.stats.queueLimited)
        // Nothing was lost for good: every hub was reached and pages were fetched past the bound.
        #expect(crawl.missing((0...5).map { server.url("/hub/\($0)") }) == [])
        #expect(crawl.stats.pages > 50)
    }

    @Test("With --state, links past the per-host queue bound wait on disk: none refused, every page fetched")
    func queueBoundSpillsToDisk() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/hub") { _ in .links((0..<300).map { "/ok/\($0)" }) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-spill-crawl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = CrawlSettings()
        settings.maxQueuedURLsPerHost = 50
        settings.stateDirectory = directory
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/hub")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.stats.queueLimited == 0)
        #expect(crawl.stats.queuedOnDisk == 250)
        #expect(crawl.missing((0..<300).map { server.url("/ok/\($0)") }) == [])
    }
}
