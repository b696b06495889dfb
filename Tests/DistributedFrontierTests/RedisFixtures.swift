import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import TestServer

@testable import DistributedFrontier

/// Helpers shared by the distributed frontier's tests.
enum RedisFixtures {
    /// A 64-bit FNV-1a hash, as a stand-in for CanonicalURL's fingerprint.
    static func fingerprint(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// `http://hN.test:80/PATH`.
    static func entry(host: Int, path: String, depth: Int = 0) -> FrontierEntry {
        let hostKey = "http://h\(host).test:80"
        let url = hostKey + path
        return FrontierEntry(url: url, fingerprint: fingerprint(url), hostKey: hostKey, depth: depth)
    }

    static func url(_ server: RedisTestServer, name: String) throws -> RedisFrontierURL {
        try RedisFrontierURL(host: "127.0.0.1", port: server.port, name: name)
    }

    /// A frontier on `server` for crawl `name`: any host in scope, robots.txt obeyed only when a fetcher is given.
    static func frontier(
        _ server: RedisTestServer, name: String = "test", policy: PolitenessPolicy = PolitenessPolicy(),
        leaseTimeout: Duration = .seconds(60),
        robots: FrontierFactory.RobotsFetcher? = nil,
        configure: (inout FrontierConfiguration) -> Void = { _ in }
    ) async throws -> RedisFrontier {
        var configuration = FrontierConfiguration(
            policy: policy, scope: try CrawlScope(hosts: .any), userAgent: "TestBot/1.0", obeysRobots: robots != nil)
        configure(&configuration)
        let options = RedisFrontierOptions(leaseTimeout: leaseTimeout, maxIdleWait: .milliseconds(100), maxAttempts: 3)
        return try await RedisFrontier(
            url: url(server, name: name), configuration: configuration, options: options,
            robotsFetcher: robots ?? { _ in .unreachable })
    }

    /// Starts a redis-server, opens `count` frontiers on crawl "test" (the
    /// workers), runs `body`, then closes them and stops the server.
    static func withFrontiers(
        _ count: Int, policy: PolitenessPolicy = PolitenessPolicy(), leaseTimeout: Duration = .seconds(60),
        robots: FrontierFactory.RobotsFetcher? = nil,
        configure: (inout FrontierConfiguration) -> Void = { _ in },
        _ body: (RedisTestServer, [RedisFrontier]) async throws -> Void
    ) async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        var frontiers: [RedisFrontier] = []
        for _ in 0..<count {
            frontiers.append(try await frontier(server, policy: policy, leaseTimeout: leaseTimeout, robots: robots, configure: configure))
        }
        try await body(server, frontiers)
        for frontier in frontiers { try await frontier.close() }
    }

    /// The status of crawl "test".
    static func status(_ server: RedisTestServer) async throws -> RedisCrawlStatus {
        try await RedisCrawlStatus.read(url(server, name: "test"))
    }

    /// A redis-server with AOF on, every write synced: a restart loses nothing.
    static func startPersistent() throws -> RedisTestServer {
        try RedisTestServer.start(options: ["--appendonly", "yes", "--appendfsync", "always"])
    }

    /// An outage of the whole crawl's Redis: kills `server` (SIGKILL), waits
    /// `duration`, and restarts it from its AOF.
    static func outage(of server: RedisTestServer, lasting duration: Duration) async throws {
        server.kill()
        try await Task.sleep(for: duration)
        try server.restart()
    }

    /// How long a claim or a finish may take before a test calls it a hang.
    /// Only a guard: a passing test never waits for it, so it is generous (a
    /// full test run on a loaded 2-core machine has stalled claims for over 10 s).
    static let hangGuard: Duration = .seconds(120)

    /// Runs `body`, cancelling it after `limit` (every `next()` then returns nil).
    static func bounded<T: Sendable>(_ limit: Duration = hangGuard, _ body: @escaping @Sendable () async -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Takes URLs from `frontier` on `tasks` tasks until it is finished,
    /// calling `fetch` for each and completing it as a success; returns what was claimed.
    static func drain(_ frontiers: [RedisFrontier], tasks: Int, fetch: @escaping @Sendable (FrontierEntry) async -> Void = { _ in }) async
        -> [FrontierEntry]
    {
        let claimed = LockedState<[FrontierEntry]>([])
        _ = await bounded {
            await withTaskGroup(of: Void.self) { group in
                for frontier in frontiers {
                    for _ in 0..<tasks {
                        group.addTask {
                            for _ in 0..<10_000 {
                                guard let entry = await frontier.next() else { return }
                                claimed.withLock { $0.append(entry) }
                                await fetch(entry)
                                await frontier.complete(entry, outcome: .success(latency: .milliseconds(1)))
                            }
                        }
                    }
                }
            }
            return true
        }
        return claimed.withLock { $0 }
    }
}
