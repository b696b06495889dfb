import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// Host slots taken outside the claims (rendered pages' subrequests): they
/// share each host's `inflight` and `last` with every worker's claims.
@Suite("RedisFrontier: host slots shared by claims and subrequests", .serialized)
struct RedisHostSlotTests {
    static let host = "http://h1.test:80"

    @Test("A slot and a claim share the per-host limit across workers; a claim's slot set aside while its page renders serves a subrequest")
    func slotsAndClaimsShareTheLimit() async throws {
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(2, policy: PolitenessPolicy(maxConcurrencyPerHost: 1)) { _, frontiers in
            _ = await frontiers[0].addSeeds(["/a", "/b"].map { RedisFixtures.entry(host: 1, path: $0) })
            guard let page = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[0].next() }) ?? nil else {
                Issue.record("nothing claimed")
                return
            }
            // The claim holds the host's only slot: another worker's subrequest gets none.
            #expect(await frontiers[1].takeHostSlot(Self.host, until: .now + .milliseconds(300)) == nil)
            // The page is fetched and renders: its slot is set aside, and a subrequest gets it.
            let aside = await frontiers[0].setClaimedSlotAside(Self.host)
            #expect(aside?.token.hasPrefix("-") == true)
            guard let slot = await frontiers[1].takeHostSlot(Self.host, until: .now + .seconds(30)) else {
                Issue.record("no slot while the page renders")
                return
            }
            // No claim gets the host while the subrequest holds its slot.
            #expect(await RedisFixtures.bounded(.milliseconds(600), { await frontiers[0].next() }) ?? nil == nil)
            await frontiers[1].returnHostSlot(slot, latency: nil, succeeded: true)
            // The page's claim takes its slot back before its lease ends; then the host's next URL goes out.
            if let aside { await frontiers[0].returnHostSlot(aside, latency: nil, succeeded: true) }
            #expect(await frontiers[1].takeHostSlot(Self.host, until: .now + .milliseconds(300)) == nil)
            _ = await frontiers[0].complete(page, outcome: .success(latency: .milliseconds(1)))
            let next = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[0].next() }) ?? nil
            #expect(next?.url == Self.host + "/b")
            if let next { _ = await frontiers[0].complete(next, outcome: .success(latency: .milliseconds(1))) }
        }
    }

    @Test("Subrequests keep the host's delay after a claim's start, and a page fetch's start (markFetchStart) moves it on")
    func slotsKeepTheDelay() async throws {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 3, delay: .milliseconds(400))
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(2, policy: policy) { _, frontiers in
            _ = await frontiers[0].addSeeds([RedisFixtures.entry(host: 1, path: "/a")])
            // Lower bounds only: each instant is taken before the start it stands for (the claim, the fetch's).
            let claimed = ContinuousClock.now
            guard let page = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[0].next() }) ?? nil else {
                Issue.record("nothing claimed")
                return
            }
            let slot = await frontiers[1].takeHostSlot(Self.host, until: .now + .seconds(30))
            let first = ContinuousClock.now
            #expect(slot != nil)
            #expect(first - claimed >= .milliseconds(350), "a subrequest started \(first - claimed) after the claim")
            let marked = ContinuousClock.now
            await frontiers[0].markFetchStart(Self.host)
            let another = await frontiers[1].takeHostSlot(Self.host, until: .now + .seconds(30))
            #expect(another != nil)
            #expect(ContinuousClock.now - marked >= .milliseconds(350), "a subrequest did not wait the delay after the fetch's start")
            for taken in [slot, another].compactMap({ $0 }) { await frontiers[0].returnHostSlot(taken, latency: nil, succeeded: true) }
            _ = await frontiers[0].complete(page, outcome: .success(latency: .milliseconds(1)))
        }
    }

    @Test("A subrequest's end moves the host's delay on: the next slot waits the delay from the later of the last start and end")
    func slotsWaitAfterTheLastEnd() async throws {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 3, delay: .milliseconds(400))
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(1, policy: policy) { _, frontiers in
            guard let slot = await frontiers[0].takeHostSlot(Self.host, until: .now + .seconds(30)) else {
                Issue.record("no first slot")
                return
            }
            // A request longer than the delay: were the delay counted from its start, the next would go at once.
            try? await Task.sleep(for: .milliseconds(600))
            let ended = ContinuousClock.now
            await frontiers[0].returnHostSlot(slot, latency: nil, succeeded: true)
            let next = await frontiers[0].takeHostSlot(Self.host, until: .now + .seconds(30))
            #expect(next != nil)
            // A lower bound only; Redis keeps times in whole milliseconds.
            #expect(ContinuousClock.now - ended >= .milliseconds(395), "the next slot came \(ContinuousClock.now - ended) after the end")
            if let next { await frontiers[0].returnHostSlot(next, latency: nil, succeeded: true) }
        }
    }

    @Test("Redis down for longer than a slot lives: a sweep first after the restart frees no slot; the slot runs out later as it should")
    func restartKeepsSlots() async throws {
        let server = try RedisFixtures.startPersistent()
        defer { server.stop() }
        let holder = try await RedisFixtures.frontier(server, leaseTimeout: .milliseconds(600))
        let sweeper = try await RedisFixtures.frontier(server, leaseTimeout: .milliseconds(600))
        let slot = await holder.takeHostSlot(Self.host, until: .now + .milliseconds(800))
        #expect(slot != nil)
        // No worker renews, claims or sweeps on its own from here; Redis is down for longer than the slot's 800 ms.
        holder.abandon()
        sweeper.abandon()
        try await RedisFixtures.outage(of: server, lasting: .milliseconds(1500))
        // A sweep is the first call after the restart (its connection, cut by the kill, may need one more try).
        var swept = try? await sweeper.sweepExpiredSlots()
        if swept == nil { swept = try await sweeper.sweepExpiredSlots() }
        #expect(swept == 0, "the outage was not counted against the slot")
        // Sweeps every 50 ms after it (contacts within half a lease time) move nothing again: the slot runs out, later by the outage.
        let freed = await RedisFixtures.bounded { () async -> Int in
            for _ in 0..<200 {
                if let swept = try? await sweeper.sweepExpiredSlots(), swept > 0 { return swept }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return 0
        }
        #expect(freed == 1, "the slot was freed once it ran out")
    }

    @Test("A dead worker's slot comes back after its expiry: the host's URLs are claimed again")
    func deadWorkersSlotExpires() async throws {
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(2, policy: PolitenessPolicy(maxConcurrencyPerHost: 1), leaseTimeout: .milliseconds(600)) {
            _, frontiers in
            guard await frontiers[1].takeHostSlot(Self.host, until: .now + .seconds(30)) != nil else {
                Issue.record("no slot")
                return
            }
            frontiers[1].abandon()
            _ = await frontiers[0].addSeeds([RedisFixtures.entry(host: 1, path: "/a")])
            // Held while the slot lives; after its expiry the next sweep frees it.
            let page = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[0].next() }) ?? nil
            #expect(page?.url == Self.host + "/a")
            if let page { _ = await frontiers[0].complete(page, outcome: .success(latency: .milliseconds(1))) }
        }
    }
}
