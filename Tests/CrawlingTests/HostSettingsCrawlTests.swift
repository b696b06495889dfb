import CrawlFrontier
import Crawling
import Foundation
import TestServer
import Testing

/// Per-host settings observed at two loopback servers (127.0.0.1 and
/// 127.0.0.2): how many requests each has in progress at once, in which
/// order they arrive, and which user agent they carry.
@Suite("Per-host settings at real loopback servers")
struct HostSettingsCrawlTests {
    /// `/` links to `/p/0` ... `/p/{pages-1}`; page requests are counted in `counter` while they last.
    /// With `holdsForCompany`, each page request waits (at most 2 s) for a
    /// second one to be in progress, so a host allowed more than one at once
    /// shows it however loaded the machine is.
    private static func site(
        _ server: TestServer, pages: Int, counter: RequestCounter, robots: String = "", holdsForCompany: Bool = false
    ) {
        server.addRoute("/p/") { _ in
            if holdsForCompany { await counter.enterAndAwaitCompany() } else { counter.enter() }
            try? await Task.sleep(for: .milliseconds(60))
            counter.leave()
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>page</body></html>".utf8))
        }
        server.addRoute("/robots.txt") { _ in TestResponse(status: 200, text: robots) }
        server.addRoute("/") { request in
            guard request.path == "/" else { return TestResponse(status: 404, text: "not found") }
            let links = (0..<pages).map { "<a href=\"/p/\($0)\">\($0)</a>" }.joined()
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>\(links)</body></html>".utf8))
        }
    }

    private static func settings(_ rules: [String]) throws -> CrawlSettings {
        var settings = CrawlSettings()
        settings.perHostConcurrency = 1
        settings.concurrency = 16
        settings.hosts = .any
        settings.hostSettings = HostSettingsTable(try rules.map { try HostSettingsRule(parsing: $0) })
        return settings
    }

    @Test("A host rule's per-host limit: 127.0.0.2 gets up to 4 at once, 127.0.0.1 keeps the crawl's 1")
    func concurrency() async throws {
        let first = try await TestServer.start()
        let second = try await TestServer.start(host: "127.0.0.2")
        let (firstCount, secondCount) = (RequestCounter(), RequestCounter())
        Self.site(first, pages: 24, counter: firstCount)
        Self.site(second, pages: 24, counter: secondCount, holdsForCompany: true)
        let settings = try Self.settings(["127.0.0.2:per-host=4"])
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [first.url("/"), second.url("/")]), settings: settings).run()
        try await first.shutdown()
        try await second.shutdown()
        #expect(stats.pages == 50)
        #expect(firstCount.maximum == 1)
        #expect(secondCount.maximum > 1 && secondCount.maximum <= 4)
        #expect(second.maxConcurrentConnections <= 4)
    }

    @Test(
        "A host rule's delay: 127.0.0.2's page requests arrive at least its 0.4 s after the last answer; 127.0.0.1 has no rule and no delay"
    )
    func delay() async throws {
        let first = try await TestServer.start()
        let second = try await TestServer.start(host: "127.0.0.2")
        Self.site(first, pages: 6, counter: RequestCounter())
        Self.site(second, pages: 6, counter: RequestCounter())
        let settings = try Self.settings(["127.0.0.2:delay=0.4,per-host=1"])
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [first.url("/"), second.url("/")]), settings: settings).run()
        try await first.shutdown()
        try await second.shutdown()
        #expect(stats.pages == 14)
        let pages = { (server: TestServer) in server.recordedRequests.filter { $0.path.hasPrefix("/p/") }.sorted { $0.arrival < $1.arrival }
        }
        let (firstPages, secondPages) = (pages(first), pages(second))
        #expect(firstPages.count == 6 && secondPages.count == 6)
        // A lower bound only (the delay runs from the end of one request to
        // the start of the next, so it holds between the server's answer and
        // the next arrival; see arrivalGap): a loaded machine makes the gaps
        // longer, never shorter. Without the rule they are a few ms. The rule's
        // per-host 1 keeps one request from going alongside another that a
        // loaded machine made slower than the delay.
        for (earlier, later) in zip(secondPages, secondPages.dropFirst()) {
            #expect(later.arrivalGap(after: earlier) >= .milliseconds(400), "\(earlier.path) then \(later.path)")
        }
    }

    @Test("A host rule's user agent goes with its requests (robots.txt too) and picks its robots.txt group")
    func userAgent() async throws {
        let first = try await TestServer.start()
        let second = try await TestServer.start(host: "127.0.0.2")
        // Both sites shut SpecialBot out of /p/; only 127.0.0.2 sees that agent.
        let robots = "User-agent: SpecialBot\nDisallow: /p/\n\nUser-agent: *\nAllow: /\n"
        Self.site(first, pages: 3, counter: RequestCounter(), robots: robots)
        Self.site(second, pages: 3, counter: RequestCounter(), robots: robots)
        let settings = try Self.settings(["127.0.0.2:user-agent=SpecialBot/2.0 (+test, loopback)"])
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [first.url("/"), second.url("/")]), settings: settings).run()
        try await first.shutdown()
        try await second.shutdown()
        #expect(stats.pages == 5)
        #expect(second.recordedRequests.allSatisfy { $0.header("User-Agent") == "SpecialBot/2.0 (+test, loopback)" })
        #expect(second.recordedRequests.map(\.path).sorted() == ["/", "/robots.txt"])
        #expect(first.recordedRequests.allSatisfy { $0.header("User-Agent") == CrawlSettings().userAgent })
        #expect(first.recordedRequests.filter { $0.path.hasPrefix("/p/") }.count == 3)
    }
}
