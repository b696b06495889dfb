import AsyncURLSupport
import CrawlFrontier
import Crawling
import DistributedFrontier
import Foundation
import TestServer
import Testing

/// A frontier that fences output, as a shared one does, and loses the first
/// claim of each chosen URL: its completion answers ``FrontierCompletion/claimLost``
/// and the URL goes back to the queue, as when a lease expired and another
/// worker took the URL. Everything else is the in-process ``Frontier``'s.
private final class LosingFrontier: URLFrontier {
    private let inner: Frontier
    /// Paths whose first completion is lost.
    private let losing: LockedState<Set<String>>

    init(_ inner: Frontier, losing paths: Set<String>) {
        self.inner = inner
        self.losing = LockedState(paths)
    }

    var fencesOutput: Bool { true }
    var policy: PolitenessPolicy { inner.policy }
    func addSeeds(_ entries: [FrontierEntry]) async -> [FrontierAddOutcome] { await inner.addSeeds(entries) }
    func add(contentsOf entries: [FrontierEntry]) async -> [FrontierAddOutcome] { await inner.add(contentsOf: entries) }
    func markSeen(_ fingerprint: UInt64) async -> Bool { await inner.markSeen(fingerprint) }
    func next() async -> FrontierEntry? { await inner.next() }
    func nextIfReady() async -> FrontierEntry? { await inner.nextIfReady() }

    func complete(_ entry: FrontierEntry, outcome: FetchOutcome) async -> FrontierCompletion {
        let path = URL(string: entry.url)?.path ?? ""
        guard losing.withLock({ $0.remove(path) != nil }) else { return await inner.complete(entry, outcome: outcome) }
        // Back in the queue for its new owner, which fetches it again at once.
        _ = await inner.complete(entry, outcome: .retryAfter(.zero))
        return .claimLost
    }

    var counters: FrontierCounters { get async { await inner.counters } }
    var queuedCount: Int { get async { await inner.queuedCount } }
    var inFlightCount: Int { get async { await inner.inFlightCount } }
    var hostCount: Int { get async { await inner.hostCount } }
    func close() async throws { try await inner.close() }
}

@Suite("Output fenced by the frontier's answer", .timeLimit(.minutes(2)))
struct FencedOutputTests {
    @Test(
        "A claim lost before its page was recorded writes nothing for it; the claim that owns the URL then writes it once"
    )
    func lostClaimWritesNothing() async throws {
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in .links(["/lost", "/fails", "/kept"]) }
        server.addRoute("/lost") { _ in .links(["/from-lost"]) }
        server.addRoute("/from-lost") { _ in .html("leaf") }
        server.addRoute("/kept") { _ in .html("leaf") }
        // A 404: a final failure, recorded after its completion is accepted.
        server.addRoute("/fails") { _ in TestResponse(status: 404, text: "gone") }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.frontier = FrontierFactory { configuration, robotsFetcher in
            LosingFrontier(Frontier(configuration: configuration, robotsFetcher: robotsFetcher), losing: ["/lost", "/fails"])
        }
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        #expect(!crawl.overran)
        let paths = crawl.records.compactMap { URL(string: $0.url)?.path }
        #expect(paths.sorted() == ["/fails", "/from-lost", "/kept", "/lost", "/start"], "each URL recorded once: \(paths)")
        #expect(server.requests(under: "/lost").count == 2, "fetched by the lost claim and again by its owner")
        #expect(server.requests(under: "/fails").count == 2)
        #expect(crawl.stats.errorKinds["leaseLost"] == 2, "\(crawl.stats.errorKinds)")
        #expect(crawl.stats.pages == 7, "every fetch is counted as a page fetched")
        try await server.shutdown()
    }

    @Test("Through Redis, URLs that end without a retry (given up after retries, a Retry-After over the cap) are written once, with why")
    func finalFailuresThroughRedisAreWritten() async throws {
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in .links(["/busy", "/too-long"]) }
        server.addRoute("/busy") { _ in TestResponse(status: 503, text: "busy", headers: [("Retry-After", "1")]) }
        server.addRoute("/too-long") { _ in TestResponse(status: 503, text: "later", headers: [("Retry-After", "3600")]) }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.maxRetries = 1
        settings.frontier = .redis(try redis.frontierURL(name: "final"))
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        #expect(!crawl.overran)
        let paths = crawl.records.compactMap { URL(string: $0.url)?.path }
        #expect(paths.sorted() == ["/busy", "/start", "/too-long"], "each URL recorded once: \(paths)")
        #expect(server.requests(under: "/busy").count == 2, "fetched, then retried once")
        #expect(crawl.record(server.url("/busy"))?.status == 503)
        #expect(crawl.record(server.url("/too-long"))?.error?.hasPrefix("retryWaitTooLong") == true)
        #expect(crawl.stats.errorKinds["leaseLost"] == nil, "\(crawl.stats.errorKinds)")
        try await server.shutdown()
    }
}
