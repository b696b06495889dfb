import CrawlFrontier
import Testing

@testable import DistributedFrontier

/// Per-host settings in a shared crawl: the Lua scripts hold a ruled host to
/// its own limit for every worker, the others to the crawl's.
@Suite("RedisFrontier: per-host settings", .serialized)
struct RedisHostSettingsTests {
    /// A policy with one host rule.
    private static func policy(_ base: PolitenessPolicy, rule: String) throws -> PolitenessPolicy {
        var policy = base
        policy.hostSettings = HostSettingsTable([try HostSettingsRule(parsing: rule)])
        return policy
    }

    /// Seeds `perHost` URLs on each of h1.test and h2.test, then claims (round
    /// robin over the workers, completing each when `completing`) until
    /// nothing more may go; the claims per host.
    private static func claims(_ frontiers: [RedisFrontier], perHost: Int, completing: Bool) async -> [String: Int] {
        let entries = (0..<perHost).flatMap { [RedisFixtures.entry(host: 1, path: "/\($0)"), RedisFixtures.entry(host: 2, path: "/\($0)")] }
        _ = await frontiers[0].addSeeds(entries)
        var counts: [String: Int] = [:]
        for index in 0..<entries.count {
            let worker = frontiers[index % frontiers.count]
            // The first claim that finds nothing ends the loop; 10 s, so a loaded machine does not end it early.
            guard let entry = await RedisFixtures.bounded(.seconds(10), { await worker.next() }) ?? nil else { break }
            counts[entry.hostKey, default: 0] += 1
            if completing { _ = await worker.complete(entry, outcome: .success(latency: .zero)) }
        }
        return counts
    }

    @Test("A host rule's per-host limit holds across workers; other hosts keep the crawl's limit")
    func perHostLimit() async throws {
        let policy = try Self.policy(PolitenessPolicy(maxConcurrencyPerHost: 1), rule: "h2.test:per-host=3")
        try await RedisFixtures.withFrontiers(2, policy: policy) { _, frontiers in
            // Claimed and not completed: each host holds as many as its limit.
            let counts = await Self.claims(frontiers, perHost: 6, completing: false)
            #expect(counts == ["http://h1.test:80": 1, "http://h2.test:80": 3])
        }
    }

    @Test("A host rule's delay: the ruled host waits, the other host goes on")
    func perHostDelay() async throws {
        let policy = try Self.policy(PolitenessPolicy(maxConcurrencyPerHost: 4), rule: "h1.test:delay=3600")
        try await RedisFixtures.withFrontiers(1, policy: policy) { _, frontiers in
            let counts = await Self.claims(frontiers, perHost: 3, completing: true)
            #expect(counts == ["http://h1.test:80": 1, "http://h2.test:80": 3])
        }
    }
}
