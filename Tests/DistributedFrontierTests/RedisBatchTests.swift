import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// The calls that serve several pages at once: a claim of several URLs, and
/// lease ends sent together. Each lease is still ended exactly once.
@Suite("RedisFrontier claims and completions in batches")
struct RedisBatchTests {
    @Test(
        "One claim takes several URLs (no more than asked); lease ends sent together end each once, and a stale or unreadable one is refused"
    )
    func claimsAndCompletionsInBatches() async throws {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 8)
        try await RedisFixtures.withFrontiers(1, policy: policy) { server, frontiers in
            let pages = (0..<6).map { RedisFixtures.entry(host: 1, path: "/\($0)") }
            #expect(await frontiers[0].addSeeds(pages) == Array(repeating: .queued, count: 6))
            let wire = try await Self.wire(for: frontiers[0], policy: policy)

            let reply = try await wire.claim(leaseTimeout: .seconds(60), token: "batch-test", most: 4)
            guard case .claimed(let leases, let unreadable, let more) = reply else {
                Issue.record("no claim: \(reply)")
                return
            }
            #expect(leases.count == 4)
            #expect(unreadable.isEmpty)
            #expect(more)
            #expect(Set(leases.map(\.entry.url)).count == 4)

            let ends = leases.map { RedisFrontierWire.Completion(lease: $0.raw, hostKey: $0.hostKey, end: .done(.success)) }
            let bogus = RedisFrontierWire.Completion(lease: "not a lease", hostKey: "http://h1.test:80", end: .done(.failed))
            let name = RedisFrontierWire.BatchName(worker: "batch-test", sequence: 1)
            let first = try await wire.complete(ends + [bogus], name: name)
            #expect(first.held == [true, true, true, true, false])
            #expect(!first.isFinished)
            // The same batch sent again under its name (a retry after a lost reply): the first answer, nothing done twice.
            let retried = try await wire.complete(ends + [bogus], name: name)
            #expect(retried.held == [true, true, true, true, false])
            // Sent again as another batch (or unnamed): refused, counted once.
            let again = try await wire.complete(ends, name: .init(worker: "batch-test", sequence: 2))
            #expect(again.held == [false, false, false, false])
            #expect(try await wire.complete(ends).held == [false, false, false, false])
            let status = try await RedisFixtures.status(server)
            #expect(status.done == 4)
            #expect(status.inFlight == 0)
            #expect(status.queued == 2)
        }
    }

    @Test("A claim for several takes a fair share of each ready host, within its free slots, and one from a host whose starts are spaced")
    func claimSharesHosts() async throws {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 3)
        try await RedisFixtures.withFrontiers(1, policy: policy) { _, frontiers in
            // Hosts 1 and 2: six URLs each, both ready.
            let pages = (1...2).flatMap { host in (0..<6).map { RedisFixtures.entry(host: host, path: "/\($0)") } }
            #expect(await frontiers[0].addSeeds(pages).allSatisfy { $0 == .queued })
            let wire = try await Self.wire(for: frontiers[0], policy: policy)

            let reply = try await wire.claim(leaseTimeout: .seconds(60), token: "share-test", most: 4)
            guard case .claimed(let leases, _, _) = reply else {
                Issue.record("no claim: \(reply)")
                return
            }
            // Four wanted, two hosts ready: two of each, not four of the first.
            #expect(leases.count == 4)
            #expect(Dictionary(grouping: leases, by: \.hostKey).mapValues(\.count) == ["http://h1.test:80": 2, "http://h2.test:80": 2])
            // Then each host has one free slot left (limit 3): a claim for 16 gets one of each.
            guard case .claimed(let more, _, _) = try await wire.claim(leaseTimeout: .seconds(60), token: "share-test", most: 16) else {
                Issue.record("no second claim")
                return
            }
            #expect(Dictionary(grouping: more, by: \.hostKey).mapValues(\.count) == ["http://h1.test:80": 1, "http://h2.test:80": 1])
        }
    }

    @Test("A host whose starts are spaced gives one URL per claim")
    func spacedHostGivesOne() async throws {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 8, delay: .seconds(30))
        try await RedisFixtures.withFrontiers(1, policy: policy) { _, frontiers in
            let pages = (0..<6).map { RedisFixtures.entry(host: 1, path: "/\($0)") }
            #expect(await frontiers[0].addSeeds(pages).allSatisfy { $0 == .queued })
            let wire = try await Self.wire(for: frontiers[0], policy: policy)
            guard case .claimed(let leases, _, let more) = try await wire.claim(leaseTimeout: .seconds(60), token: "spaced", most: 8) else {
                Issue.record("no claim")
                return
            }
            #expect(leases.count == 1)
            #expect(!more)
            // The next start is 30 s away: nothing more now.
            let next = try await wire.claim(leaseTimeout: .seconds(60), token: "spaced", most: 8)
            if case .wait = next {} else { Issue.record("expected a wait: \(next)") }
        }
    }

    @Test(
        "A batch of lease ends claims along for the worker: the freed slot's next URL comes in the same call; not when the batch is replayed, unnamed or asks none"
    )
    func completionClaimsAlong() async throws {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 1)
        try await RedisFixtures.withFrontiers(1, policy: policy) { server, frontiers in
            let pages = (0..<3).map { RedisFixtures.entry(host: 1, path: "/\($0)") }
            #expect(await frontiers[0].addSeeds(pages).allSatisfy { $0 == .queued })
            let wire = try await Self.wire(for: frontiers[0], policy: policy)
            guard case .claimed(let first, _, _) = try await wire.claim(leaseTimeout: .seconds(60), token: "along", most: 4),
                first.count == 1
            else {
                Issue.record("the host's one slot was not claimed")
                return
            }
            // The host is at its limit: a claim gets nothing now.
            guard case .wait = try await wire.claim(leaseTimeout: .seconds(60), token: "along", most: 4) else {
                Issue.record("a claim past the host's limit got a URL")
                return
            }
            let end = RedisFrontierWire.Completion(lease: first[0].raw, hostKey: first[0].hostKey, end: .done(.success))
            let name = RedisFrontierWire.BatchName(worker: "along", sequence: 1)
            let reply = try await wire.complete([end], name: name, claiming: 4, leaseTimeout: .seconds(60))
            #expect(reply.held == [true])
            guard case .claimed(let along, let unreadable, _) = reply.claimed else {
                Issue.record("nothing claimed along: \(String(describing: reply.claimed))")
                return
            }
            #expect(along.count == 1 && unreadable.isEmpty)
            #expect(along.first?.raw.contains("\nalong#") == true, "leased to the batch's worker, with a fencing number")
            #expect(along.first?.entry.url != first[0].entry.url)
            // Replayed (a lost reply): the first answer's flags, nothing claimed again.
            let replayed = try await wire.complete([end], name: name, claiming: 4, leaseTimeout: .seconds(60))
            #expect(replayed.held == [true] && replayed.claimed == nil)
            // Asking none, or unnamed: no claim part.
            let second = RedisFrontierWire.Completion(lease: along[0].raw, hostKey: along[0].hostKey, end: .done(.success))
            let none = try await wire.complete([second], name: .init(worker: "along", sequence: 2), claiming: 0, leaseTimeout: .seconds(60))
            #expect(none.held == [true] && none.claimed == nil)
            let status = try await RedisFixtures.status(server)
            #expect(status.done == 2 && status.inFlight == 0 && status.queued == 1)
        }
    }

    /// A wire of its own on the frontier's crawl (the fixtures' crawl is named `test`).
    private static func wire(for frontier: RedisFrontier, policy: PolitenessPolicy) async throws -> RedisFrontierWire {
        let connection = try await RedisConnection.connect(host: frontier.url.host, port: frontier.url.port)
        return RedisFrontierWire(
            connection: connection, keys: RedisKeys(crawl: "test"), policy: policy, maxAttempts: 1, outageTimeout: .seconds(5))
    }
}
