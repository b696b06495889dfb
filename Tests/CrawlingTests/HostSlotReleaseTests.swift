import AsyncURLSupport
import TestServer
import Testing

@testable import Crawling

/// Per-host limits count requests in flight, not pages being parsed: a
/// host's next request goes out while its last page is still handled.
@Suite("Host slots freed when the response comes")
struct HostSlotReleaseTests {
    /// Waits in `parse` of its first page until the second page was requested (at most 10 s); records whether it was.
    final class WaitingSpider: Spider, @unchecked Sendable {
        private let seeds: [String]
        private let secondRequested: @Sendable () -> Bool
        let sawSecondDuringFirst = LockedState<Bool?>(nil)

        init(seeds: [String], secondRequested: @escaping @Sendable () -> Bool) {
            self.seeds = seeds
            self.secondRequested = secondRequested
            super.init()
        }

        override var startURLs: [String] { seeds }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            guard response.url == seeds[0] else { return }
            // Bounded: 1,000 waits of 10 ms.
            for _ in 0..<1000 where !secondRequested() { try await Task.sleep(for: .milliseconds(10)) }
            sawSecondDuringFirst.withLock { $0 = secondRequested() }
        }
    }

    @Test("With one request per host, the second page is requested while the first is still being parsed")
    func nextRequestOverlapsParsing() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page-") { _ in .links([]) }
        let spider = WaitingSpider(seeds: [server.url("/page-1"), server.url("/page-2")]) {
            server.recordedRequests.contains { $0.path == "/page-2" }
        }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.perHostConcurrency = 1
        let stats = try await Crawler(spider: spider, settings: settings).run()
        try await server.shutdown()
        #expect(stats.pages == 2)
        let sawSecond = spider.sawSecondDuringFirst.withLock { $0 }
        #expect(sawSecond == true)
    }
}
