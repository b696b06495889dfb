import CrawlFrontier
import Crawling
import Foundation
import Logging
import TestServer
import Testing

/// Busy and failing hosts at a real loopback server: a URL that asks to wait
/// waits alone, a host pauses only when the host itself says so, no wait is
/// longer than the cap, a robots.txt that fails is tried again, and a crawl
/// that waits says why.
// Time limits are hang guards (the crawls take seconds), above LoggedCrawl's 240 s watchdog.
@Suite("Busy hosts: Retry-After, pauses, robots.txt failures", .serialized, .timeLimit(.minutes(5)))
struct BusyHostTests {
    /// A route that answers `first` to its first request and `then` to the others.
    private static func once(_ first: TestResponse, then: TestResponse) -> @Sendable (TestRequest) async -> TestResponse {
        let counter = RequestCounter()
        return { _ in
            counter.enter()
            counter.leave()
            return counter.total == 1 ? first : then
        }
    }

    @Test(
        "One URL answers 503 with Retry-After: 120 forever: it is given up at once (over the 60 s cap), recorded with the wait it asked for, and the host's 50 other pages are all fetched"
    )
    func oneURLAsksForTwoMinutes() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/down") { _ in TestResponse(status: 503, text: "down for maintenance", headers: [("Retry-After", "120")]) }
        let ordinary = (1...50).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(["/down"] + ordinary) }
        var settings = CrawlSettings()
        settings.perHostConcurrency = 1

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(ordinary.map(server.url)) == [])
        let down = crawl.record(server.url("/down"))
        #expect(down?.status == 503)
        #expect(down?.errorKind == "retryWaitTooLong")
        #expect(down?.error?.contains("120 s") == true, "\(down?.error ?? "no record")")
        #expect(server.requests(under: "/down").count == 1)
        #expect(crawl.stats.errorKinds["retryWaitTooLong"] == 1)
        #expect(crawl.stats.hostPauses == 0)
    }

    @Test("A 429 pauses the host (counted, logged with its end and reason); the page is fetched on retry and the crawl says why it waits")
    func tooManyRequestsPausesTheHost() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute(
            "/busy", Self.once(TestResponse(status: 429, text: "slow down", headers: [("Retry-After", "3")]), then: .html("<p>now</p>")))
        server.addRoute("/start") { _ in .links(["/busy"]) }
        let log = CollectedLog()

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], logger: log.logger())
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing([server.url("/busy")]) == [])
        #expect(server.requests(under: "/busy").count == 2)
        #expect(crawl.stats.hostPauses == 1)
        #expect(crawl.stats.retries == 1)
        let lines = log.lines
        // The pause, as it happens, and the liveness line while nothing is in flight.
        #expect(
            lines.contains { $0.hasPrefix("host \(server.baseURL)") && $0.contains("paused until") && $0.hasSuffix("(Retry-After)") },
            "\(lines)")
        #expect(lines.contains { $0.hasPrefix("waiting: 1 host paused until ") && $0.hasSuffix("(Retry-After)") }, "\(lines)")
    }

    @Test(
        "A wait over --max-retry-wait is not honoured: the 429 asking for an hour is recorded as failed, its host pauses for the cap only, and the rest of the host is fetched"
    )
    func waitOverTheCap() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/closed") { _ in TestResponse(status: 429, text: "come back in an hour", headers: [("Retry-After", "3600")]) }
        let ordinary = (1...10).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(["/closed"] + ordinary) }
        var settings = CrawlSettings()
        settings.maxRetryWait = .seconds(1)

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(ordinary.map(server.url)) == [])
        let closed = crawl.record(server.url("/closed"))
        #expect(closed?.status == 429 && closed?.errorKind == "retryWaitTooLong")
        #expect(closed?.error?.contains("3600 s") == true, "\(closed?.error ?? "no record")")
        #expect(server.requests(under: "/closed").count == 1)
        #expect(crawl.stats.hostPauses == 1)
    }

    @Test("A robots.txt that fails once (503) is tried again while the host's URLs wait, then obeyed")
    func robotsFailsOnceThenAnswers() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute(
            "/robots.txt",
            Self.once(TestResponse(status: 503, text: "busy"), then: TestResponse(text: "User-agent: *\nDisallow: /ok/private\n")))
        let ordinary = (1...5).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(ordinary + ["/ok/private"]) }
        var settings = CrawlSettings()
        settings.robotsRetryBackoff = .milliseconds(300)

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing([server.url("/start")] + ordinary.map(server.url)) == [])
        #expect(server.requests(under: "/robots.txt").count == 2)
        #expect(server.requests(under: "/ok/private").isEmpty)
        #expect(crawl.stats.robotsDenied == 1)
        #expect(crawl.stats.hostsGivenUp == 0)
        #expect(crawl.stats.hostPauses == 1)
    }

    @Test(
        "A 3 MB robots.txt (refused whole before: over the 2 MiB read limit, so disallow-all) is read and parsed up to its first 500 KiB: the early rule is obeyed, the late one never read"
    )
    func robotsOverTheSizeCap() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let padding = String(repeating: "# padding to push the next rule far past 500 KiB\n", count: 3_000_000 / 50)
        server.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /ok/early\n" + padding + "Disallow: /ok/late\n")
        }
        let ordinary = (1...5).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(ordinary + ["/ok/early", "/ok/late"]) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing([server.url("/start"), server.url("/ok/late")] + ordinary.map(server.url)) == [])
        #expect(server.requests(under: "/ok/early").isEmpty)
        #expect(server.requests(under: "/robots.txt").count == 1)
        #expect(crawl.stats.robotsDenied == 1)
    }

    @Test("A robots.txt of 10,000 rules: the first 2,000 are kept and obeyed, the rest counted and ignored, and the crawl goes on")
    func robotsRuleCap() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let rules = (0..<9_998).map { "Disallow: /nowhere/\($0)*x*y*z$\n" }.joined()
        server.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /ok/early\n" + rules + "Disallow: /ok/late\n") }
        let ordinary = (1...20).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(ordinary + ["/ok/early", "/ok/late"]) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(ordinary.map(server.url) + [server.url("/ok/late")]) == [])
        #expect(server.requests(under: "/ok/early").isEmpty)
        #expect(crawl.stats.robotsRulesIgnored == 10_000 - 2_000)
        #expect(crawl.stats.robotsDenied == 1)
    }

    @Test(
        "A Crawl-delay of 100 s is cut to 30 s, and a host whose delay times its queue exceeds the time budget is given up with a log line; the other host is crawled"
    )
    func crawlDelayBudget() async throws {
        let slow = try await TestServer.start()
        let quick = try await TestServer.start(host: "127.0.0.2")
        slow.addOrdinaryPages()
        quick.addOrdinaryPages()
        slow.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nCrawl-delay: 100\n") }
        let slowPages = (1...5).map { "/ok/\($0)" }
        let quickPages = (1...5).map { "/ok/\($0)" }
        slow.addRoute("/start") { _ in .links(slowPages) }
        quick.addRoute("/start") { _ in .links(quickPages) }
        var settings = CrawlSettings()
        settings.hosts = .any
        settings.hostTimeBudget = .seconds(60)
        let log = CollectedLog()

        let crawl = try await LoggedCrawl.run(seeds: [slow.url("/start"), quick.url("/start")], settings: settings, logger: log.logger())
        try await slow.shutdown()
        try await quick.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing([slow.url("/start")] + quickPages.map(quick.url)) == [])
        #expect(slow.requests(under: "/ok/").isEmpty)
        #expect(crawl.stats.hostsGivenUp == 1)
        #expect(crawl.stats.limited == slowPages.count)
        let lines = log.lines
        #expect(
            lines.contains {
                $0.hasPrefix("giving up host \(slow.baseURL)") && $0.contains("Crawl-delay 30.0 s for ")
                    && $0.contains("time budget of 60.0 s")
            }, "\(lines)")
    }

    @Test("The client's connection cap holds: 2 connections for 16 workers on one host")
    func connectionCap() async throws {
        let server = try await TestServer.start()
        let counter = RequestCounter()
        server.addRoute("/slow/") { _ in
            counter.enter()
            try? await Task.sleep(for: .milliseconds(100))
            counter.leave()
            return .html("<p>slow</p>")
        }
        let pages = (1...16).map { "/slow/\($0)" }
        server.addRoute("/start") { _ in .links(pages) }
        var settings = CrawlSettings()
        settings.concurrency = 16
        settings.perHostConcurrency = 8
        settings.maxConnections = 2

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(pages.map(server.url)) == [])
        #expect(counter.maximum <= 2, "\(counter.maximum) requests at once")
    }

    @Test("The waiting message names paused hosts and their end, robots.txt and retries; none while requests are in flight")
    func waitingMessage() {
        var activity = FrontierActivity()
        activity.queued = 3
        activity.nextStartAfter = .seconds(2)
        #expect(Crawler.waitingMessage(for: activity)?.hasSuffix("(politeness delay)") == true)
        activity.pausedHosts = 1
        activity.nextResumeAfter = .seconds(90)
        activity.nextResumeReason = .retryAfter
        let message = Crawler.waitingMessage(for: activity) ?? ""
        #expect(message.hasPrefix("waiting: 1 host paused until ") && message.hasSuffix(" (Retry-After)"), "\(message)")
        activity.pausedHosts = 2
        activity.nextResumeReason = .robots
        activity.robotsPending = 2
        activity.retrying = 4
        activity.nextRetryAfter = .seconds(5)
        let both = Crawler.waitingMessage(for: activity) ?? ""
        #expect(
            both.hasPrefix("waiting: 2 hosts paused until ") && both.contains("(robots.txt)")
                && both.contains("4 URLs to retry, the first at "), "\(both)")
        activity.inFlight = 1
        #expect(Crawler.waitingMessage(for: activity) == nil)
    }
}
