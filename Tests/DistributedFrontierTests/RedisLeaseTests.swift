import AsyncURLSupport
import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// Leases that expire while their worker still works (it was cut off from
/// Redis longer than its lease): the URL goes back to the queue, and the late
/// worker can neither lose it nor finish it a second time (fencing).
@Suite("RedisFrontier leases after expiry", .serialized)
struct RedisLeaseTests {
    static let page = RedisFixtures.entry(host: 1, path: "/late")

    static var ends: [LeaseEnd] {
        var retry = page
        retry.attempt = 1
        return [
            .done(.success), .denied, .retryNow(wait: .zero, retry: retry), .retryLater(wait: .milliseconds(10), retry: retry), .release
        ]
    }

    /// Worker `late` claims the page and stops renewing; `other` claims it
    /// once the lease expired (the claim puts it back in the queue first).
    private static func expireAndReclaim(_ server: RedisTestServer, name: String) async throws -> (
        late: RedisFrontier, other: RedisFrontier, entry: FrontierEntry
    ) {
        let late = try await RedisFixtures.frontier(server, name: name, leaseTimeout: .milliseconds(300))
        let other = try await RedisFixtures.frontier(server, name: name, leaseTimeout: .seconds(60))
        _ = await late.addSeeds([page])
        let entry = try #require(await RedisFixtures.bounded { await late.next() } ?? nil)
        late.stopRenewing()
        let retaken = try #require(await RedisFixtures.bounded { await other.next() } ?? nil)
        #expect(retaken.url == page.url)
        return (late, other, entry)
    }

    /// Runs `body` on a fresh server with crawl `name` after ``expireAndReclaim(_:name:)``.
    private static func withStaleLease(
        name: String,
        _ body: (RedisTestServer, RedisFrontier, RedisFrontier, FrontierEntry) async throws -> Void
    ) async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let (late, other, entry) = try await expireAndReclaim(server, name: name)
        try await body(server, late, other, entry)
    }

    @Test("A late lease end, of any kind, while another worker holds the URL: refused; the URL is done once", arguments: 0..<5)
    func lateEndWhileReclaimed(_ index: Int) async throws {
        let end = Self.ends[index]
        let name = "held-\(index)"
        try await Self.withStaleLease(name: name) { server, late, other, entry in
            #expect(await late.endLease(of: entry, as: end) == false)
            #expect(await other.complete(entry, outcome: .success(latency: .zero)) == .done)
            #expect(await RedisFixtures.bounded { await other.next() } == .some(nil))
            let status = try await RedisCrawlStatus.read(RedisFixtures.url(server, name: name))
            #expect(status.done == 1)
            #expect(status.doneByOutcome["success"] == 1)
            #expect(status.isFinished)
            try await late.close()
            try await other.close()
        }
    }

    @Test("A late lease end, of any kind, after the URL went back to the queue: refused; the URL is not lost", arguments: 0..<5)
    func lateEndWhileQueued(_ index: Int) async throws {
        let end = Self.ends[index]
        let name = "queued-\(index)"
        try await Self.withStaleLease(name: name) { server, late, other, entry in
            // The other worker stops: the URL goes back to its queue, claimed by nobody.
            try await other.close()
            #expect(await late.endLease(of: entry, as: end) == false)
            let fresh = try await RedisFixtures.frontier(server, name: name)
            let claimed = await RedisFixtures.drain([fresh], tasks: 2)
            #expect(claimed.map(\.url) == [Self.page.url])
            let status = try await RedisCrawlStatus.read(RedisFixtures.url(server, name: name))
            #expect(status.done == 1)
            #expect(status.isFinished)
            try await late.close()
            try await fresh.close()
        }
    }

    @Test("complete() of a claim that expired and went to another worker answers claimLost (write nothing); the owner's answers done")
    func completionOfLostClaim() async throws {
        try await Self.withStaleLease(name: "lost") { server, late, other, entry in
            #expect(await late.complete(entry, outcome: .success(latency: .zero)) == .claimLost)
            // A completion without any claim held (given back when the worker stopped): claimLost too.
            #expect(await late.complete(entry, outcome: .success(latency: .zero)) == .claimLost)
            #expect(await other.complete(entry, outcome: .success(latency: .zero)) == .done)
            let status = try await RedisCrawlStatus.read(RedisFixtures.url(server, name: "lost"))
            #expect(status.done == 1)
            #expect(status.staleCompletions == 1)
            try await late.close()
            try await other.close()
        }
    }

    @Test("Each claim gets its own fencing token")
    func fencingTokens() async throws {
        try await RedisFixtures.withFrontiers(1) { _, frontiers in
            let frontier = frontiers[0]
            _ = await frontier.addSeeds([RedisFixtures.entry(host: 1, path: "/a"), RedisFixtures.entry(host: 2, path: "/b")])
            let connection = try await RedisConnection.connect(host: frontier.url.host, port: frontier.url.port)
            var tokens: [String] = []
            for _ in 0..<2 {
                _ = try #require(await RedisFixtures.bounded { await frontier.next() } ?? nil)
            }
            for lease in try await connection.send("ZRANGE", frontier.url.keyPrefix + "leases", "0", "-1").elements.compactMap(\.text) {
                tokens.append(String(lease.split(separator: "\n")[2]))
            }
            #expect(tokens.count == 2)
            #expect(Set(tokens).count == 2)
            #expect(tokens.allSatisfy { $0.hasPrefix(frontier.workerID + "#") })
        }
    }
}
