import AsyncURLSupport
import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// What a shared crawl records for `--explain`, in a real redis-server: it
/// rides in front of the frontier's own script calls, folds as the in-process
/// record does, and goes with `--reset`.
@Suite("Redis decision record for --explain", .serialized)
struct RedisDecisionRecorderTests {
    @Test("Records ride with the next script call (no write of their own); offers and outcomes fold into one decision")
    func ridesAndFolds() async throws {
        try await RedisFixtures.withFrontiers(1) { server, frontiers in
            let frontier = frontiers[0]
            let recorder = try #require(frontier.decisions)
            let seed = RedisFixtures.entry(host: 1, path: "/", depth: 0)
            let page = RedisFixtures.entry(host: 1, path: "/page", depth: 1)
            let refused = RedisFixtures.entry(host: 2, path: "/off")
            recorder.recordOffered(seed, parent: nil, code: .queued, detail: nil)
            // Refused by the queue bound from one page, then queued from another: the queued offer wins.
            recorder.recordOffered(page, parent: 7, code: .queueLimit, detail: "full")
            recorder.recordOffered(page, parent: seed.fingerprint, code: .queued, detail: nil)
            // Queued, then refused from a deeper page: the queued offer stays.
            recorder.recordOffered(seed, parent: 9, code: .scope, detail: "too deep")
            for _ in 0..<3 { recorder.recordOffered(refused, parent: seed.fingerprint, code: .scope, detail: "off\nscope") }
            recorder.recordOutcome(page, code: .fetched, detail: "200")
            let log = try await RedisURLDecisionLog(url: RedisFixtures.url(server, name: "test"))
            // Nothing is written until the frontier next talks to Redis.
            #expect(try await log.decision(for: page.fingerprint) == nil)
            _ = await frontier.add(contentsOf: [RedisFixtures.entry(host: 3, path: "/x")])

            let pageDecision = try #require(try await log.decision(for: page.fingerprint))
            #expect(pageDecision.code == .fetched && pageDecision.detail == "200")
            #expect(pageDecision.url == page.url && pageDecision.referrer == seed.fingerprint && pageDecision.depth == 1)
            let seedDecision = try #require(try await log.decision(for: seed.fingerprint))
            #expect(seedDecision.code == .queued && seedDecision.referrer == nil && seedDecision.depth == 0)
            let refusedDecision = try #require(try await log.decision(for: refused.fingerprint))
            #expect(refusedDecision.code == .scope && refusedDecision.detail == "off scope")
            #expect(try await log.decision(for: 12345) == nil)
            #expect(recorder.lostCount == 0)

            // --reset deletes the record with the crawl's other keys.
            _ = try await RedisCrawlStatus.delete(RedisFixtures.url(server, name: "test"))
            #expect(try await log.decision(for: page.fingerprint) == nil)
        }
    }

    @Test("A page with more new links than a batch sends them on its own, and close() sends what is left")
    func batchesAndClose() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let frontier = try await RedisFixtures.frontier(server)
        let recorder = try #require(frontier.decisions)
        let entries = (0..<(RedisDecisionRecorder.batchSize + 1)).map { RedisFixtures.entry(host: 1, path: "/\($0)") }
        for entry in entries { recorder.recordOffered(entry, parent: nil, code: .scope, detail: nil) }
        let log = try await RedisURLDecisionLog(url: RedisFixtures.url(server, name: "test"))
        // The full batch went out by itself (bounded wait: it is sent by a task).
        var firstFound = false
        for _ in 0..<200 where !firstFound {
            firstFound = try await log.decision(for: entries[0].fingerprint) != nil
            if !firstFound { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(firstFound)
        let last = try #require(entries.last)
        recorder.recordOutcome(last, code: .robots, detail: "User-agent: *, line 2: Disallow: /")
        try await frontier.close()
        #expect(try await log.decision(for: last.fingerprint)?.code == .robots)
    }

    @Test("With recording off the frontier has no recorder and writes no record")
    func off() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let frontier = try await RedisFixtures.frontier(server, configure: { $0.recordsDecisions = false })
        #expect(frontier.decisionRecorder == nil)
        _ = await frontier.addSeeds([RedisFixtures.entry(host: 1, path: "/")])
        try await frontier.close()
        let keys = try await RedisFixtures.url(server, name: "test").connect().send("KEYS", "asyncurl:{test}:[xy]:*")
        #expect(keys.elements.isEmpty)
    }
}
