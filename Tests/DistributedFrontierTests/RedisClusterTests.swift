import AsyncURL
import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// The shared frontier on a Redis Cluster node: a one-node cluster that
/// serves every hash slot, so the frontier runs as on any cluster, and the
/// slots of the keys it wrote can be asked with `CLUSTER KEYSLOT`.
@Suite("RedisFrontier on Redis Cluster")
struct RedisClusterTests {
    /// A redis-server in cluster mode serving all 16,384 slots.
    static func startClusterNode() async throws -> RedisTestServer {
        // The cluster bus port is named: by default it is the port + 10,000,
        // which does not exist for a free port above 55,535 (redis-server then exits).
        let busPort = try #require(try ChildProcess.freePorts(1).first)
        let server = try RedisTestServer.start(options: [
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-port", String(busPort)
        ])
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        #expect(try await connection.send("CLUSTER", "ADDSLOTSRANGE", "0", "16383") == .status("OK"))
        // The node says ok once it has taken its slots (bounded: 10 s).
        for _ in 0..<200 {
            if let info = try await connection.send("CLUSTER", "INFO").text, info.contains("cluster_state:ok") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return server
    }

    @Test("Every key of a crawl is in one hash slot, and the scripts run on a cluster node")
    func oneSlot() async throws {
        let server = try await Self.startClusterNode()
        defer { server.stop() }
        let fetcher: FrontierFactory.RobotsFetcher = { _ in
            .response(status: 200, body: Array("User-agent: *\nDisallow: /private\nCrawl-delay: 0\n".utf8))
        }
        let configuration = FrontierConfiguration(
            policy: PolitenessPolicy(maxRetries: 1, retryBackoff: .milliseconds(10)),
            scope: try CrawlScope(hosts: .seedHosts), userAgent: "TestBot", obeysRobots: true)
        let url = try RedisFixtures.url(server, name: "cluster-crawl")
        let frontier = try await RedisFrontier(
            url: url, configuration: configuration,
            options: RedisFrontierOptions(maxIdleWait: .milliseconds(50), maxAttempts: 3), robotsFetcher: fetcher)
        let seeds = (0..<4).map { RedisFixtures.entry(host: $0, path: "/") }
        #expect(await frontier.addSeeds(seeds).allSatisfy { $0 == .queued })
        #expect(
            await frontier.add(contentsOf: [RedisFixtures.entry(host: 1, path: "/private/x"), RedisFixtures.entry(host: 9, path: "/off")])
                == [.queued, .rejected(.offScope)])
        #expect(await frontier.markSeen(RedisFixtures.fingerprint("redirect target")))
        var completed = 0
        var retried = false
        for _ in 0..<20 {
            guard let entry = await RedisFixtures.bounded(.seconds(20), { await frontier.next() }) ?? nil else { break }
            // One transient failure: the retry goes through `delayed`.
            if !retried {
                retried = true
                await frontier.complete(entry, outcome: .transientFailure(latency: .zero))
                continue
            }
            await frontier.complete(entry, outcome: .success(latency: .zero))
            completed += 1
        }
        #expect(completed == 4)
        let status = try await RedisCrawlStatus.read(url)
        #expect(status.isFinished)
        #expect(status.doneByOutcome["robotsDenied"] == 1)
        try await frontier.close()

        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        let keys = try await connection.send("KEYS", url.keyPrefix + "*").elements.compactMap(\.text)
        // stats, hosts, seedhosts, seedurls, hostpages, a seen-set bucket, robots, h:, workers...
        #expect(keys.count >= 8)
        var slots: Set<Int64> = []
        for key in keys {
            if let slot = try await connection.send("CLUSTER", "KEYSLOT", key).int { slots.insert(slot) }
        }
        #expect(slots.count == 1, "keys in slots \(slots.sorted())")
        #expect(slots == [try await connection.send("CLUSTER", "KEYSLOT", "cluster-crawl").int ?? -1])
        // --reset deletes exactly the crawl's keys (the braces are no glob characters for SCAN MATCH).
        _ = try await connection.send("SET", "asyncurl:other:keep", "1")
        #expect(try await RedisCrawlStatus.delete(url) == keys.count)
        #expect(try await connection.send("KEYS", url.keyPrefix + "*").elements.isEmpty)
        #expect(try await connection.send("GET", "asyncurl:other:keep").text == "1")
    }
}
