import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// The shared frontier against a real redis-server on loopback, with several
/// frontier instances (each with its own connections) standing for workers.
@Suite("RedisFrontier")
struct RedisFrontierTests {
    @Test("Two instances share one seen-set")
    func dedupAcrossInstances() async throws {
        try await RedisFixtures.withFrontiers(2) { server, frontiers in
            let (first, second) = (frontiers[0], frontiers[1])
            let a = RedisFixtures.entry(host: 1, path: "/a")
            let b = RedisFixtures.entry(host: 1, path: "/b")
            let c = RedisFixtures.entry(host: 2, path: "/c")
            let d = RedisFixtures.entry(host: 2, path: "/d")
            #expect(await first.addSeeds([a, b]) == [.queued, .queued])
            #expect(await second.add(contentsOf: [a, b, c, c]) == [.duplicate, .duplicate, .queued, .duplicate])
            #expect(await second.markSeen(d.fingerprint))
            #expect(await first.markSeen(d.fingerprint) == false)
            #expect(await first.add(contentsOf: [d]) == [.duplicate])
            let status = try await RedisFixtures.status(server)
            #expect(status.seen == 4)
            #expect(status.queued == 3)
            // a, b and the second c were refused by Redis; d by `first`'s own copy of what it saw.
            #expect(status.duplicates == 3)
            #expect(await first.queuedCount == 3)
            #expect(await second.hostCount == 2)
        }
    }

    @Test("Concurrent claimers on three instances never get the same URL twice")
    func noDoubleClaims() async throws {
        try await RedisFixtures.withFrontiers(3, policy: PolitenessPolicy(maxConcurrencyPerHost: 3)) { server, frontiers in
            let entries = (0..<300).map { RedisFixtures.entry(host: $0 % 10, path: "/page-\($0)") }
            #expect(await frontiers[0].addSeeds(entries).allSatisfy { $0 == .queued })
            let claimed = await RedisFixtures.drain(frontiers, tasks: 6)
            #expect(claimed.count == 300)
            #expect(Set(claimed.map(\.url)) == Set(entries.map(\.url)))
            let status = try await RedisFixtures.status(server)
            #expect(status.done == 300)
            #expect(status.isFinished)
        }
    }

    @Test("The per-host limit holds across instances")
    func perHostLimitAcrossInstances() async throws {
        try await RedisFixtures.withFrontiers(2, policy: PolitenessPolicy(maxConcurrencyPerHost: 2)) { _, frontiers in
            _ = await frontiers[0].addSeeds((0..<40).map { RedisFixtures.entry(host: 1, path: "/page-\($0)") })
            // (current, most) requests "in flight" to the host, over both instances.
            let inFlight = LockedState((current: 0, most: 0))
            let claimed = await RedisFixtures.drain(frontiers, tasks: 4) { _ in
                inFlight.withLock {
                    $0.current += 1
                    $0.most = max($0.most, $0.current)
                }
                try? await Task.sleep(for: .milliseconds(3))
                inFlight.withLock { $0.current -= 1 }
            }
            #expect(claimed.count == 40)
            #expect(inFlight.withLock { $0.most } <= 2)
            #expect(inFlight.withLock { $0.most } >= 1)
        }
    }

    @Test("A dead worker's lease expires and its URL goes back to the queue")
    func leaseExpiry() async throws {
        try await RedisFixtures.withFrontiers(1, leaseTimeout: .milliseconds(400)) { server, frontiers in
            // The survivor's own lease is long: on a loaded machine a 400 ms
            // lease could lapse between renewals and count a second expiry.
            let (dying, survivor) = (frontiers[0], try await RedisFixtures.frontier(server, leaseTimeout: .seconds(60)))
            let page = RedisFixtures.entry(host: 1, path: "/only")
            _ = await dying.addSeeds([page])
            let taken = await dying.next()
            #expect(taken?.url == page.url)
            dying.abandon()
            let retaken = await RedisFixtures.bounded { await survivor.next() }
            #expect(retaken??.url == page.url)
            let status = try await RedisFixtures.status(server)
            #expect(status.expiredLeases == 1)
            if let entry = retaken ?? nil { await survivor.complete(entry, outcome: .success(latency: .zero)) }
            let after = await RedisFixtures.bounded { await survivor.next() }
            #expect(after == .some(nil))
            try await survivor.close()
        }
    }

    @Test("An idle worker waits while another holds a lease, and gets the links it adds")
    func finishedOnlyWhenNothingIsLeased() async throws {
        try await RedisFixtures.withFrontiers(2) { _, frontiers in
            let (first, second) = (frontiers[0], frontiers[1])
            let seed = RedisFixtures.entry(host: 1, path: "/")
            let link = RedisFixtures.entry(host: 1, path: "/linked", depth: 1)
            _ = await first.addSeeds([seed])
            let taken = try #require(await first.next())
            let waiting = Task { await RedisFixtures.bounded { await second.next() } }
            // Give the second worker time to find the queue empty (it must wait, not leave).
            try await Task.sleep(for: .milliseconds(300))
            await first.add(contentsOf: [link])
            await first.complete(taken, outcome: .success(latency: .zero))
            let got = await waiting.value
            #expect(got??.url == link.url)
            if let entry = got ?? nil { await second.complete(entry, outcome: .success(latency: .zero)) }
            #expect(await RedisFixtures.bounded { await first.next() } == .some(nil))
            #expect(await RedisFixtures.bounded { await second.next() } == .some(nil))
        }
    }

    @Test("A worker waits for the crawl to be seeded")
    func waitsForSeeds() async throws {
        try await RedisFixtures.withFrontiers(2) { _, frontiers in
            let (worker, seeder) = (frontiers[0], frontiers[1])
            let waiting = Task { await RedisFixtures.bounded { await worker.next() } }
            try await Task.sleep(for: .milliseconds(300))
            let seed = RedisFixtures.entry(host: 1, path: "/")
            _ = await seeder.addSeeds([seed])
            #expect(await waiting.value??.url == seed.url)
        }
    }

    @Test("robots.txt is fetched once for all workers, and obeyed")
    func robotsFetchedOnce() async throws {
        let fetches = LockedState(0)
        let fetcher: FrontierFactory.RobotsFetcher = { _ in
            fetches.withLock { $0 += 1 }
            try? await Task.sleep(for: .milliseconds(100))
            return .response(status: 200, body: Array("User-agent: *\nDisallow: /private\n".utf8))
        }
        try await RedisFixtures.withFrontiers(2, robots: fetcher) { server, frontiers in
            let entries = ["/a", "/private/x", "/b", "/c", "/private/y"].map { RedisFixtures.entry(host: 1, path: $0) }
            _ = await frontiers[0].addSeeds(entries)
            let claimed = await RedisFixtures.drain(frontiers, tasks: 2)
            #expect(Set(claimed.map(\.url)) == Set(["/a", "/b", "/c"].map { "http://h1.test:80" + $0 }))
            #expect(fetches.withLock { $0 } == 1)
            let status = try await RedisFixtures.status(server)
            #expect(status.doneByOutcome["robotsDenied"] == 2)
            #expect(status.robotsFetched == 1)
            // A worker that did not fetch it reads the stored copy (no second
            // fetch); once known, robots.txt is applied when links are added.
            for frontier in frontiers { _ = await frontier.robotsRules(forHost: "http://h1.test:80") }
            #expect(fetches.withLock { $0 } == 1)
            #expect(await frontiers[0].add(contentsOf: [RedisFixtures.entry(host: 1, path: "/private/z")]) == [.robotsDenied])
            // Refused once, then seen (as the in-memory frontier marks it): the
            // next page linking to it finds a duplicate, and it is counted once.
            let before = await frontiers[0].counters
            #expect(await frontiers[0].add(contentsOf: [RedisFixtures.entry(host: 1, path: "/private/z")]) == [.duplicate])
            let after = await frontiers[0].counters
            #expect(after.robotsDenied == before.robotsDenied)
            #expect(after.duplicates == before.duplicates + 1)
        }
    }

    @Test("Transient failures are retried after a backoff, then given up")
    func retries() async throws {
        try await RedisFixtures.withFrontiers(1, policy: PolitenessPolicy(maxRetries: 1, retryBackoff: .milliseconds(50))) { _, frontiers in
            let frontier = frontiers[0]
            let page = RedisFixtures.entry(host: 1, path: "/flaky")
            _ = await frontier.addSeeds([page])
            let first = try #require(await RedisFixtures.bounded { await frontier.next() } ?? nil)
            #expect(first.attempt == 0)
            let result = await frontier.complete(first, outcome: .transientFailure(latency: .zero))
            #expect(result != .done && result != .gaveUp)
            let second = try #require(await RedisFixtures.bounded { await frontier.next() } ?? nil)
            #expect(second.url == page.url)
            #expect(second.attempt == 1)
            #expect(await frontier.complete(second, outcome: .transientFailure(latency: .zero)) == .gaveUp)
            #expect(await RedisFixtures.bounded { await frontier.next() } == .some(nil))
            #expect(await frontier.counters.retries == 1)
        }
    }

    /// Two workers of crawl `name` on `server`, without robots.txt.
    private static func twoWorkers(
        _ server: RedisTestServer, name: String,
        configuration: FrontierConfiguration
    ) async throws -> (RedisFrontier, RedisFrontier) {
        let url = try RedisFixtures.url(server, name: name)
        let first = try await RedisFrontier(url: url, configuration: configuration, robotsFetcher: { _ in .unreachable })
        let second = try await RedisFrontier(url: url, configuration: configuration, robotsFetcher: { _ in .unreachable })
        return (first, second)
    }

    @Test("Page limits count across workers")
    func pageLimits() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let configuration = FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "TestBot", obeysRobots: false, maxPages: 5)
        let (first, second) = try await Self.twoWorkers(server, name: "limited", configuration: configuration)
        let outcomes =
            await first.addSeeds((0..<3).map { RedisFixtures.entry(host: 1, path: "/\($0)") })
            + (await second.add(contentsOf: (3..<8).map { RedisFixtures.entry(host: 2, path: "/\($0)") }))
        #expect(outcomes.filter { $0 == .queued }.count == 5)
        #expect(outcomes.filter { $0 == .pageLimitReached }.count == 3)
        try await first.close()
        try await second.close()
    }

    @Test("Queue bounds hold across workers: past a host's queue bound its URLs are queue-limited, not seen; taking one frees a place")
    func queueBounds() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let configuration = FrontierConfiguration(
            scope: try CrawlScope(hosts: .any), userAgent: "TestBot", obeysRobots: false,
            maxQueued: 150, maxQueuedPerHost: 100)
        let url = try RedisFixtures.url(server, name: "queue-bounded")
        let (first, second) = try await Self.twoWorkers(server, name: "queue-bounded", configuration: configuration)
        let outcomes =
            await first.addSeeds((0..<80).map { RedisFixtures.entry(host: 1, path: "/\($0)") })
            + (await second.add(contentsOf: (80..<300).map { RedisFixtures.entry(host: 1, path: "/\($0)") }))
        #expect(outcomes.filter { $0 == .queued }.count == 100)
        #expect(outcomes.filter { $0 == .queueLimitReached }.count == 200)
        // The global bound: another host gets the 50 places left of 150.
        let other = await second.add(contentsOf: (0..<80).map { RedisFixtures.entry(host: 2, path: "/\($0)") })
        #expect(other.filter { $0 == .queued }.count == 50)
        #expect(try await RedisCrawlStatus.read(url).queueLimited == 230)
        // Not seen: once a URL is taken and done, one refused before queues.
        let taken = try #require(await RedisFixtures.bounded { await first.next() } ?? nil)
        await first.complete(taken, outcome: .success(latency: .zero))
        let refusedBefore =
            taken.hostKey.contains("h1.test") ? RedisFixtures.entry(host: 1, path: "/299") : RedisFixtures.entry(host: 2, path: "/79")
        #expect(await first.add(contentsOf: [refusedBefore]) == [.queued])
        #expect(await first.counters.queueLimited + (await second.counters.queueLimited) == 230)
        try await first.close()
        try await second.close()
    }

    @Test("Seed hosts are shared: links to other hosts are off scope for every worker")
    func sharedSeedHosts() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let configuration = FrontierConfiguration(scope: try CrawlScope(hosts: .seedHosts), userAgent: "TestBot", obeysRobots: false)
        let url = try RedisFixtures.url(server, name: "scoped")
        let seeder = try await RedisFrontier(url: url, configuration: configuration, robotsFetcher: { _ in .unreachable })
        let worker = try await RedisFrontier(url: url, configuration: configuration, robotsFetcher: { _ in .unreachable })
        _ = await seeder.addSeeds([RedisFixtures.entry(host: 1, path: "/")])
        #expect(
            await worker.add(contentsOf: [RedisFixtures.entry(host: 1, path: "/in"), RedisFixtures.entry(host: 2, path: "/out")])
                == [.queued, .rejected(.offScope)])
        #expect(try await RedisCrawlStatus.seeds(of: url) == ["http://h1.test:80/"])
        try await seeder.close()
        try await worker.close()
    }
}
