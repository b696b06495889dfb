import AsyncURLSupport
import CrawlFrontier
import Crawling
import Foundation
import TestServer
import Testing

/// Stopping a crawler at each point of its life, against a real loopback server.
@Suite("Crawler lifecycle: stop before run, during start-up, twice, abandon", .serialized, .timeLimit(.minutes(2)))
struct CrawlerLifecycleTests {
    private func settings() -> CrawlSettings {
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.concurrency = 1
        settings.perHostConcurrency = 1
        return settings
    }

    @Test("A stop before run makes run return at once with empty statistics; no request goes out")
    func stopBeforeRun() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let crawler = Crawler(spider: FollowAllSpider(seeds: [server.url("/ok/1")]), settings: settings())
        crawler.stop()
        let stats = try await crawler.run()
        #expect(stats == CrawlStats())
        #expect(server.recordedRequests.isEmpty)
        try await server.shutdown()
    }

    @Test("A stop during the start-up cancels it (a frontier still being opened sees the cancellation) and no request goes out")
    func stopDuringStartup() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let entered = LockedState(false)
        let sawCancellation = LockedState(false)
        var settings = settings()
        settings.frontier = FrontierFactory { configuration, robotsFetcher in
            // A frontier that takes long to open (a shared store far away), at most 20 s.
            entered.withLock { $0 = true }
            await poll { Task.isCancelled }
            sawCancellation.withLock { $0 = Task.isCancelled }
            return Frontier(configuration: configuration, robotsFetcher: robotsFetcher)
        }
        let crawler = Crawler(spider: FollowAllSpider(seeds: [server.url("/ok/1")]), settings: settings)
        let run = Task { try await crawler.run() }
        await poll { entered.withLock { $0 } }
        #expect(entered.withLock { $0 }, "the start-up reached the frontier")
        crawler.stop()
        let stats = try await run.value
        #expect(sawCancellation.withLock { $0 }, "the stop cancelled the start-up")
        #expect(stats.pages == 0)
        #expect(server.recordedRequests.isEmpty)
        try await server.shutdown()
    }

    @Test("Two stops while running stop once: pages in flight finish, run returns, and later stops and runs do nothing")
    func doubleStop() async throws {
        let server = try await TestServer.start()
        // An endless chain of pages, each a little slow.
        server.addRoute("/chain/") { request in
            try? await Task.sleep(for: .milliseconds(50))
            let number = Int(request.path.dropFirst("/chain/".count)) ?? 0
            return .links(["/chain/\(number + 1)"])
        }
        let crawler = Crawler(spider: FollowAllSpider(seeds: [server.url("/chain/0")]), settings: settings())
        let run = Task { try await crawler.run() }
        await poll { server.requests(under: "/chain/").count >= 3 }
        crawler.stop()
        crawler.stop()
        let stats = try await run.value
        #expect(stats.pages >= 2)
        #expect(stats.errors == 0, "the page in flight finished: \(stats.errorKinds)")
        let requested = server.requests(under: "/chain/").count
        #expect(stats.pages == requested, "every request sent was recorded")
        crawler.stop()
        #expect(try await crawler.run() == CrawlStats(), "a crawler runs once")
        #expect(server.requests(under: "/chain/").count == requested)
        try await server.shutdown()
    }

    @Test("Abandoning during the grace period ends a crawl whose request never ends; nothing is recorded for it")
    func abandonDuringGrace() async throws {
        let server = try await TestServer.start()
        var settings = settings()
        settings.stopGracePeriod = .seconds(600)
        settings.timeout = .seconds(600)
        let crawler = Crawler(spider: FollowAllSpider(seeds: [server.url("/hang")]), settings: settings)
        let run = Task { try await crawler.run() }
        await poll { server.recordedRequests.contains { $0.path == "/hang" } }
        crawler.stop()
        crawler.abandonInFlight()
        let stats = try await run.value
        #expect(stats.pages == 0)
        #expect(stats.errors == 0, "the abandoned request is not recorded: \(stats.errorKinds)")
        try await server.shutdown()
    }
}
