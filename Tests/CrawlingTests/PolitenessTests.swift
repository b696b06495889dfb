import Crawling
import Foundation
import TestServer
import Testing

/// Politeness observed at real servers: two hosts (two loopback servers)
/// record when each request arrives and how many are in progress.
@Suite("Politeness at real loopback servers")
struct PolitenessTests {
    /// A small site on one server: `/` links to `/p/0` ... `/p/{count-1}`.
    private static func site(_ server: TestServer, pages: Int) {
        server.addRoute("/p/") { _ in
            try? await Task.sleep(for: .milliseconds(20))
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>page</body></html>".utf8))
        }
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/") { request in
            guard request.path == "/" else { return TestResponse(status: 404, text: "not found") }
            let links = (0..<pages).map { "<a href=\"/p/\($0)\">\($0)</a>" }.joined()
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>\(links)</body></html>".utf8))
        }
    }

    /// Page requests, in arrival order.
    private static func pageRequests(_ server: TestServer) -> [TestRequest] {
        server.recordedRequests.filter { $0.path.hasPrefix("/p/") }.sorted { $0.arrival < $1.arrival }
    }

    /// Arrival times of page requests, in order.
    private static func arrivals(_ server: TestServer) -> [ContinuousClock.Instant] {
        pageRequests(server).map(\.arrival)
    }

    @Test("No two requests to one host closer than the delay; hosts are crawled side by side")
    func delay() async throws {
        let first = try await TestServer.start()
        let second = try await TestServer.start(host: "127.0.0.2")
        Self.site(first, pages: 8)
        Self.site(second, pages: 8)
        var settings = CrawlSettings()
        settings.delay = .milliseconds(300)
        settings.perHostConcurrency = 1
        settings.hosts = .any
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [first.url("/"), second.url("/")]), settings: settings).run()
        try await first.shutdown()
        try await second.shutdown()
        #expect(stats.pages == 18)
        for server in [first, second] {
            let requests = Self.pageRequests(server)
            #expect(requests.count == 8)
            // The delay runs from the end of one request to the start of the
            // next, so it holds between the server's answer and the next
            // arrival whatever the load of this machine (see arrivalGap).
            for (earlier, later) in zip(requests, requests.dropFirst()) {
                #expect(later.arrivalGap(after: earlier) >= .milliseconds(300), "\(earlier.path) then \(later.path)")
            }
        }
        // The two hosts overlap in time: neither waited for the other to finish.
        let firstTimes = Self.arrivals(first)
        let secondTimes = Self.arrivals(second)
        if let firstEnd = firstTimes.last, let secondStart = secondTimes.first {
            #expect(secondStart < firstEnd)
        }
    }

    @Test(
        "A slow host: the delay runs from the end of one request (robots.txt too) to the start of the next, in one process and through Redis",
        arguments: ["in memory", "redis"])
    func delayAfterSlowResponses(frontier: String) async throws {
        let redis = try RedisTestServer.start(forFrontier: frontier)
        defer { redis?.stop() }
        let server = try await TestServer.start()
        server.addRoute("/p/") { _ in
            // Longer than the delay: were it counted from the start, the next request would follow at once.
            try? await Task.sleep(for: .milliseconds(500))
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>page</body></html>".utf8))
        }
        server.addRoute("/robots.txt") { _ in
            try? await Task.sleep(for: .milliseconds(500))
            return TestResponse(status: 404, text: "none")
        }
        var settings = CrawlSettings()
        settings.delay = .milliseconds(300)
        settings.perHostConcurrency = 1
        if let redis { settings.frontier = .redis(try redis.frontierURL(name: "slow")) }
        let seeds = (0..<4).map { server.url("/p/\($0)") }
        let stats = try await Crawler(spider: FollowAllSpider(seeds: seeds), settings: settings).run()
        try await server.shutdown()
        #expect(stats.pages == 4)
        // robots.txt too: it is a request to the host like the pages.
        let requests = server.recordedRequests.sorted { $0.arrival < $1.arrival }
        #expect(requests.count == 5)
        // A lower bound only (see arrivalGap). Redis keeps times in whole
        // milliseconds: 295 ms leaves room for its rounding.
        for (earlier, later) in zip(requests, requests.dropFirst()) {
            #expect(later.arrivalGap(after: earlier) >= .milliseconds(295), "\(frontier): \(earlier.path) then \(later.path)")
        }
    }

    @Test("Requests in progress at one host never exceed the per-host limit")
    func perHostConcurrency() async throws {
        let server = try await TestServer.start()
        let inProgress = RequestCounter()
        server.addRoute("/p/") { _ in
            // Held until a second request is in progress (at most 2 s), so the
            // limit is tested under overlap however loaded the machine is.
            await inProgress.enterAndAwaitCompany()
            try? await Task.sleep(for: .milliseconds(30))
            inProgress.leave()
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html></html>".utf8))
        }
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/") { request in
            guard request.path == "/" else { return TestResponse(status: 404, text: "") }
            let links = (0..<40).map { "<a href=\"/p/\($0)\">x</a>" }.joined()
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array(links.utf8))
        }
        var settings = CrawlSettings()
        settings.perHostConcurrency = 3
        settings.concurrency = 32
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [server.url("/")]), settings: settings).run()
        try await server.shutdown()
        #expect(stats.pages == 41)
        #expect(inProgress.maximum <= 3)
        #expect(inProgress.maximum > 1, "connections: \(server.acceptedConnections), at once: \(server.maxConcurrentConnections)")
    }

    @Test("429 with Retry-After: the host waits, the page is fetched on retry")
    func retryAfter() async throws {
        let server = try await TestServer.start()
        let attempts = RequestCounter()
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/busy") { _ in
            attempts.enter()
            if attempts.total == 1 {
                return TestResponse(status: 429, text: "slow down", headers: [("Retry-After", "1")])
            }
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html>ok</html>".utf8))
        }
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [server.url("/busy")])).run()
        let requests = server.recordedRequests.filter { $0.path == "/busy" }
        try await server.shutdown()
        #expect(requests.count == 2)
        if requests.count == 2 {
            // Retry-After counts from the response, which the server stamps
            // before the client can see it (see arrivalGap).
            #expect(requests[1].arrivalGap(after: requests[0]) >= .seconds(1))
        }
        #expect(stats.retries == 1)
        #expect(stats.statuses[200] == 1)
    }
}
