import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// A URL whose end Redis accepted is written by its worker afterwards (so a
/// worker whose claim expired writes nothing). Until the worker says it wrote
/// it, Redis keeps the URL: the crawl is not finished, and a worker that dies
/// first has it queued again, so no URL's output is lost with a worker.
@Suite("RedisFrontier: URLs done and not yet written")
struct RedisUnwrittenOutputTests {
    private static let page = RedisFixtures.entry(host: 1, path: "/page")

    private static func frontier(_ server: RedisTestServer, leaseTimeout: Duration) async throws -> RedisFrontier {
        try await RedisFixtures.frontier(server, name: "unwritten", leaseTimeout: leaseTimeout, configure: { $0.reportsRecords = true })
    }

    private static func status(_ server: RedisTestServer) async throws -> RedisCrawlStatus {
        try await RedisCrawlStatus.read(RedisFixtures.url(server, name: "unwritten"))
    }

    @Test("Done and not yet recorded: the crawl waits; recorded: it is finished, and every waiting worker leaves")
    func finishedOnlyOnceRecorded() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let worker = try await Self.frontier(server, leaseTimeout: .seconds(60))
        let other = try await Self.frontier(server, leaseTimeout: .seconds(60))
        _ = await worker.addSeeds([Self.page])
        let entry = try #require(await RedisFixtures.bounded { await worker.next() } ?? nil)
        #expect(await worker.complete(entry, outcome: .success(latency: .zero)) == .done)
        var status = try await Self.status(server)
        #expect(status.unwritten == 1)
        #expect(!status.isFinished)
        // The other worker waits (its claim sees an unfinished crawl) until the page is recorded.
        let waiting = Task { await RedisFixtures.bounded { await other.next() } }
        await worker.recorded(entry)
        #expect(await waiting.value == .some(nil), "the other worker left: the crawl is finished")
        status = try await Self.status(server)
        #expect(status.unwritten == 0)
        #expect(status.isFinished)
        #expect(status.done == 1)
        try await worker.close()
        try await other.close()
    }

    @Test("A worker that dies after Redis accepted a page and before it wrote it: the page is queued again and done once, by another")
    func deadWorkersUnwrittenPageIsQueuedAgain() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let dying = try await Self.frontier(server, leaseTimeout: .milliseconds(300))
        let other = try await Self.frontier(server, leaseTimeout: .milliseconds(600))
        _ = await dying.addSeeds([Self.page])
        let entry = try #require(await RedisFixtures.bounded { await dying.next() } ?? nil)
        #expect(await dying.complete(entry, outcome: .success(latency: .zero)) == .done)
        // Killed before it wrote the page (no recorded(_:)), as by SIGKILL.
        dying.abandon()
        // Once its heartbeat ran out, the other worker's renewal queues the page again.
        let again = try #require(await RedisFixtures.bounded { await other.next() } ?? nil)
        #expect(again.url == Self.page.url)
        #expect(await other.complete(again, outcome: .success(latency: .zero)) == .done)
        await other.recorded(again)
        #expect(await RedisFixtures.bounded { await other.next() } == .some(nil))
        let status = try await Self.status(server)
        #expect(status.requeuedUnwritten == 1)
        #expect(status.done == 1)
        #expect(status.doneByOutcome["success"] == 1)
        #expect(status.isFinished)
        try await other.close()
    }

    @Test(
        "Redis down for longer than a heartbeat: the first renewal after its restart takes no worker for dead; a worker that stays silent is, one heartbeat later"
    )
    func restartGivesHeartbeatsGrace() async throws {
        let server = try RedisFixtures.startPersistent()
        defer { server.stop() }
        let silent = try await Self.frontier(server, leaseTimeout: .milliseconds(600))
        _ = await silent.addSeeds([Self.page])
        let entry = try #require(await RedisFixtures.bounded { await silent.next() } ?? nil)
        #expect(await silent.complete(entry, outcome: .success(latency: .zero)) == .done)
        // The worker renews no more from here (as if it could not reach Redis), and
        // Redis is down for longer than its heartbeat (600 ms) lasts.
        silent.abandon()
        try await RedisFixtures.outage(of: server, lasting: .milliseconds(1500))
        // A worker that starts now renews first: before the fix, it took the silent
        // worker for dead at once and queued its written page again.
        let other = try await Self.frontier(server, leaseTimeout: .milliseconds(600))
        var status = try await Self.status(server)
        #expect(status.requeuedUnwritten == 0, "no worker is taken for dead for Redis' own outage")
        #expect(status.unwritten == 1)
        // The silent worker never comes back: a heartbeat after the restart, it is forgotten, and its page done by the other.
        let again = try #require(await RedisFixtures.bounded { await other.next() } ?? nil)
        #expect(again.url == Self.page.url)
        #expect(await other.complete(again, outcome: .success(latency: .zero)) == .done)
        await other.recorded(again)
        #expect(await RedisFixtures.bounded { await other.next() } == .some(nil))
        status = try await Self.status(server)
        #expect(status.requeuedUnwritten == 1)
        #expect(status.done == 1)
        #expect(status.isFinished)
        try await other.close()
    }

    @Test("A worker that stops with a page accepted and never written (its feed failed) gives it back at close")
    func closeGivesBackUnwritten() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let stopping = try await Self.frontier(server, leaseTimeout: .seconds(60))
        _ = await stopping.addSeeds([Self.page, RedisFixtures.entry(host: 2, path: "/written")])
        let first = try #require(await RedisFixtures.bounded { await stopping.next() } ?? nil)
        let second = try #require(await RedisFixtures.bounded { await stopping.next() } ?? nil)
        #expect(await stopping.complete(first, outcome: .success(latency: .zero)) == .done)
        #expect(await stopping.complete(second, outcome: .success(latency: .zero)) == .done)
        await stopping.recorded(second)
        try await stopping.close()
        // Its last batch's answer is forgotten with it.
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        let kept = try await connection.send("HEXISTS", stopping.url.keyPrefix + "replies", stopping.workerID)
        #expect(kept.int == 0)
        let status = try await Self.status(server)
        #expect(status.requeuedUnwritten == 1)
        #expect(status.done == 1)
        #expect(status.queued == 1)
        #expect(status.unwritten == 0)
        let fresh = try await Self.frontier(server, leaseTimeout: .seconds(60))
        let claimed = try #require(await RedisFixtures.bounded { await fresh.next() } ?? nil)
        #expect(claimed.url == first.url)
        try await fresh.close()
    }
}
