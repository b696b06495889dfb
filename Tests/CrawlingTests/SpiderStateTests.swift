import Crawling
import Foundation
import TestServer
import Testing

/// A spider's mutable state under parse calls that run at the same time.
@Suite("SpiderState: a spider's mutable state under concurrent parse calls", .serialized, .timeLimit(.minutes(2)))
struct SpiderStateTests {
    /// Counts its pages and how many parse calls ran at once; the first linked
    /// page's call waits (at most 10 s) until another one has started, so the
    /// crawl shows that parse calls overlap.
    final class CountingSpider: Spider, @unchecked Sendable {
        private let seed: String
        let pages = SpiderState(0)
        let titles = SpiderState(Set<String>())
        let running = SpiderState((now: 0, peak: 0, started: 0))

        init(seed: String) {
            self.seed = seed
            super.init()
        }

        override var startURLs: [String] { [seed] }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            let order = running.withLock { state in
                state.now += 1
                state.peak = max(state.peak, state.now)
                state.started += 1
                return state.started
            }
            if order == 2 {
                // The first linked page waits here until the next one is being parsed.
                await poll { running.value.started >= 3 }
            }
            pages.withLock { $0 += 1 }
            titles.withLock { _ = $0.insert(response.url) }
            running.withLock { $0.now -= 1 }
            for link in response.links { output.follow(link) }
        }
    }

    @Test("Parse calls of one crawl overlap, and every change they make to a SpiderState is kept")
    func concurrentParseCalls() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let pages = (1...60).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(pages) }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.concurrency = 8
        settings.perHostConcurrency = 8
        let spider = CountingSpider(seed: server.url("/start"))
        let stats = try await Crawler(spider: spider, settings: settings).run()
        #expect(stats.pages == 61)
        #expect(spider.pages.value == 61)
        #expect(spider.titles.value.count == 61)
        #expect(spider.running.value.peak >= 2, "parse calls ran at the same time")
        #expect(spider.running.value.now == 0)
        try await server.shutdown()
    }

    @Test("Changes from many tasks at once are all kept, and a throwing change keeps what it did before the throw")
    func manyTasks() async throws {
        struct Refused: Error {}
        let counts = SpiderState([String: Int]())
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for step in 0..<1000 {
                        counts.withLock {
                            $0["all", default: 0] += 1
                            $0["task \(task)", default: 0] += step % 2
                        }
                    }
                }
            }
        }
        #expect(counts.value["all"] == 8000)
        #expect((0..<8).allSatisfy { counts.value["task \($0)"] == 500 })
        #expect(throws: Refused.self) {
            try counts.withLock { (value: inout [String: Int]) throws(Refused) in
                value["before the throw"] = 1
                throw Refused()
            }
        }
        #expect(counts.value["before the throw"] == 1)
    }
}
