import CrawlFrontier
import Foundation
import Synchronization
import Testing

/// Queues that spill: with a small memory budget most URLs wait on disk, and
/// the frontier hands them out in exactly the order it would with everything
/// in memory; a resumed crawl keeps the URLs that were on disk.
@Suite("Frontier spill")
struct FrontierSpillTests {
    /// A URL of `host` with a chosen priority and depth.
    private func entry(_ host: Int, _ number: Int, priority: Int, depth: Int) -> FrontierEntry {
        let url = "http://h\(host).test/\(number)"
        var hasher = Hasher()
        hasher.combine(url)
        return FrontierEntry(
            url: url, fingerprint: UInt64(bitPattern: Int64(hasher.finalize())), hostKey: "http://h\(host).test:80",
            depth: depth, priority: priority)
    }

    private func configuration(memoryBudget: Int?) throws -> FrontierConfiguration {
        var configuration = FrontierConfiguration(
            policy: PolitenessPolicy(maxConcurrencyPerHost: 1), scope: try CrawlScope(hosts: .any),
            userAgent: "AsyncURLTests", obeysRobots: false)
        configuration.memoryBudget = memoryBudget
        configuration.queueHeadPerHost = 8
        return configuration
    }

    /// Offers `entries` a page of 50 at a time, taking and completing 10 URLs
    /// after each page, then drains; the URLs handed out, per host, in order,
    /// and how many were not their host's first (priority, then depth, then
    /// arrival) among its URLs offered and not yet handed out.
    private func handOut(_ entries: [FrontierEntry], through frontier: Frontier) async -> (order: [String: [String]], outOfOrder: Int) {
        var order: [String: [String]] = [:]
        var pending: [String: [String: (priority: Int, depth: Int, arrival: Int)]] = [:]
        var outOfOrder = 0
        func take(_ count: Int) async {
            for _ in 0..<count {
                guard let next = await frontier.next() else { return }
                order[next.hostKey, default: []].append(next.url)
                let first = pending[next.hostKey]?.min { lhs, rhs in
                    (-lhs.value.priority, lhs.value.depth, lhs.value.arrival) < (-rhs.value.priority, rhs.value.depth, rhs.value.arrival)
                }
                if first?.key != next.url { outOfOrder += 1 }
                pending[next.hostKey]?[next.url] = nil
                await frontier.complete(next, outcome: .success(latency: .zero))
            }
        }
        for start in stride(from: 0, to: entries.count, by: 50) {
            for arrival in start..<min(start + 50, entries.count) {
                let entry = entries[arrival]
                pending[entry.hostKey, default: [:]][entry.url] = (entry.priority, entry.depth, arrival)
            }
            await frontier.add(contentsOf: Array(entries[start..<min(start + 50, entries.count)]))
            await take(10)
        }
        await take(entries.count)
        return (order, outOfOrder)
    }

    /// `count` URLs over `hosts` hosts, priorities -1...1 and depths 0...4 at
    /// random (many ties, many overtakes), handed out by a frontier with
    /// everything in memory and by one with a 64 KiB budget (32 KiB of queued
    /// URLs, about 140 of them): each host's URLs go out best first. With
    /// `hashMask` (hosts made to share spill hashes, so refills come at other
    /// times) that is all; without, the order per host is the in-memory one.
    private func expectSpillOrder(hosts: Int, count: Int, hashMask: UInt64? = nil) async throws {
        var random = SystemRandomNumberGenerator()
        let entries = (0..<count).map { number in
            entry(number % hosts, number, priority: Int.random(in: -1...1, using: &random), depth: Int.random(in: 0...4, using: &random))
        }
        let inMemory = Frontier(configuration: try configuration(memoryBudget: nil)) { _ in .unreachable }
        let spill = try SpillQueue()
        if let hashMask { spill.hostHashMask = hashMask }
        let spilling = Frontier(configuration: try configuration(memoryBudget: 64 << 10), spill: spill) { _ in .unreachable }
        let expected = await handOut(entries, through: inMemory)
        let actual = await handOut(entries, through: spilling)
        #expect(expected.order.values.reduce(0) { $0 + $1.count } == count)
        #expect(expected.outOfOrder == 0)
        #expect(actual.outOfOrder == 0)
        #expect(Set(actual.order.values.joined()) == Set(entries.map(\.url)))
        #expect(actual.order.values.reduce(0) { $0 + $1.count } == count)
        if hashMask == nil { #expect(actual.order == expected.order) }
        #expect(await spilling.counters.spilled > count * 2 / 3)
        #expect(await spilling.storage.queuedInMemory == 0)
        #expect(await spilling.isFinished)
    }

    @Test("With most URLs on disk, each host's URLs go out in the in-memory order (priority, then depth, then arrival)")
    func spillOrderEqualsMemoryOrder() async throws {
        try await expectSpillOrder(hosts: 3, count: 1500)
    }

    @Test(
        "URLs held for robots.txt past the memory bound: the held URL that would go out last is the one sent to disk, so each host's URLs go out best first once robots.txt is in"
    )
    func heldURLsSpillLastFirst() async throws {
        var random = SystemRandomNumberGenerator()
        let entries = (0..<3000).map { number in
            entry(number % 2, number, priority: Int.random(in: -2...2, using: &random), depth: Int.random(in: 0...4, using: &random))
        }
        let released = Mutex(false)
        var configuration = try configuration(memoryBudget: 64 << 10)
        configuration.obeysRobots = true
        let frontier = Frontier(configuration: configuration, spill: try SpillQueue()) { _ in
            // robots.txt is held back until every URL is offered (at most 30 s).
            let deadline = ContinuousClock.now + .seconds(30)
            while !released.withLock({ $0 }), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
            return .response(status: 404, body: [])
        }
        await frontier.add(contentsOf: entries)
        #expect(await frontier.storage.queuedOnDisk > 2000)
        #expect(await frontier.counters.queued == 0)
        released.withLock { $0 = true }
        var order: [String: [(priority: Int, depth: Int, number: Int)]] = [:]
        while let next = await frontier.next() {
            let number = Int(next.url.split(separator: "/").last ?? "") ?? -1
            order[next.hostKey, default: []].append((-next.priority, next.depth, number))
            await frontier.complete(next, outcome: .success(latency: .zero))
        }
        #expect(order.values.reduce(0) { $0 + $1.count } == entries.count)
        for (host, positions) in order {
            let outOfOrder = zip(positions, positions.dropFirst()).filter { $0 > $1 }.count
            #expect(outOfOrder == 0, "\(host): \(outOfOrder) URLs went out after a worse one")
        }
    }

    @Test("A crawl stopped with URLs on disk is resumed with all of them: none lost, none handed out twice")
    func resumeKeepsSpilledURLs() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-spill-resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let entries = (0..<2000).map { entry($0 % 4, $0, priority: 0, depth: $0 % 3) }
        var handed = Set<String>()
        do {
            let store = try CrawlStateStore(directory: directory)
            let frontier = Frontier(
                configuration: try configuration(memoryBudget: 64 << 10), store: store,
                spill: try SpillQueue(directory: directory)
            ) { _ in .unreachable }
            await frontier.add(contentsOf: entries)
            #expect(await frontier.storage.queuedOnDisk > 1500)
            for _ in 0..<300 {
                guard let next = await frontier.next() else { break }
                handed.insert(next.url)
                try store.recordDone(next, redirectTarget: nil) {}
                await frontier.complete(next, outcome: .success(latency: .zero))
            }
            // Stopped here: the last checkpoint is all that survives (as after kill -9).
            try store.close()
        }
        let store = try CrawlStateStore(directory: directory)
        defer { try? store.close() }
        let saved = try store.load()
        let frontier = Frontier(
            configuration: try configuration(memoryBudget: 64 << 10), store: store,
            spill: try SpillQueue(directory: directory)
        ) { _ in .unreachable }
        await frontier.restore(saved)
        var resumed = 0
        while let next = await frontier.next() {
            #expect(handed.insert(next.url).inserted, "handed out twice: \(next.url)")
            resumed += 1
            await frontier.complete(next, outcome: .success(latency: .zero))
        }
        #expect(resumed == 1700)
        #expect(handed == Set(entries.map(\.url)))
    }

    @Test("URLs written many rows per statement come back whole and in order: URL, referrer, payload (none, empty, bytes), depth, priority")
    func spillRowsRoundTrip() throws {
        let spill = try SpillQueue()
        // 37 rows in one flush: two statements of 16 rows, then 5 rows one by one.
        let written = (0..<37).map { number in
            var url = entry(7, number, priority: number % 3 - 1, depth: number % 4)
            url.referrer = number % 2 == 0 ? nil : "http://h7.test/from/\(number)"
            url.payload = number % 3 == 0 ? nil : Array(repeating: UInt8(number), count: number % 5)
            return url
        }
        for (arrival, url) in written.enumerated() { spill.append(url, arrival: arrival) }
        #expect(spill.flush().isEmpty)
        let read = try spill.take(host: "http://h7.test:80", limit: 100)
        let expected = written.enumerated().sorted {
            (-$0.element.priority, $0.element.depth, $0.offset) < (-$1.element.priority, $1.element.depth, $1.offset)
        }
        #expect(read.map(\.arrival) == expected.map(\.offset))
        #expect(read.map(\.entry) == expected.map(\.element))
        #expect(spill.count == 0)
    }

    @Test(
        "A spill file short of free space takes nothing: the URLs stay in memory, are counted, and all go out once"
    )
    func noRoomKeepsURLsInMemory() async throws {
        let spill = try SpillQueue()
        // More free space than any disk has: every flush is refused.
        spill.minimumFreeBytes = Int.max / 2
        let frontier = Frontier(configuration: try configuration(memoryBudget: 64 << 10), spill: spill) { _ in .unreachable }
        await frontier.add(contentsOf: (0..<500).map { entry(1, $0, priority: 0, depth: 0) })
        #expect(await frontier.storage.queuedOnDisk == 0)
        #expect(await frontier.counters.spillWriteRefused > 300)
        #expect(await drain(frontier).count == 500)
    }

    /// Hands out and completes every URL the frontier has ready now (at
    /// most 1,000: 500 URLs, plus room for failed reads); the URLs handed out.
    private func drain(_ frontier: Frontier) async -> Set<String> {
        var handed = Set<String>()
        for _ in 0..<1000 {
            guard let next = await frontier.next(now: .now) else { break }
            handed.insert(next.url)
            await frontier.complete(next, outcome: .success(latency: .zero), now: .now)
        }
        return handed
    }

    /// A spill file whose reads fail `failures` times, then a frontier that
    /// spills 500 URLs of one host into it and is drained without waiting.
    private func drainWithFailingReads(_ failures: Int) async throws -> (handed: Set<String>, frontier: Frontier, events: [FrontierEvent]) {
        let spill = try SpillQueue()
        spill.injectedReadFailures = failures
        let events = LockedEvents()
        var configuration = try configuration(memoryBudget: 64 << 10)
        configuration.eventHandler = { events.append($0) }
        let frontier = Frontier(configuration: configuration, spill: spill) { _ in .unreachable }
        await frontier.add(contentsOf: (0..<500).map { entry(1, $0, priority: 0, depth: 0) })
        #expect(await frontier.storage.queuedOnDisk > 300)
        let handed = await drain(frontier)
        return (handed, frontier, events.all)
    }

    @Test("A spill file that fails to read twice: the host's URLs are read again and all handed out; the failures are counted and told")
    func spillReadFailureIsRetried() async throws {
        let (handed, frontier, events) = try await drainWithFailingReads(2)
        #expect(handed.count == 500)
        #expect(await frontier.counters.spillReadFailures == 2)
        #expect(await frontier.counters.spillAbandoned == 0)
        #expect(await frontier.isFinished)
        #expect(events.filter { if case .spillReadFailed(_, _, 0, _) = $0 { true } else { false } }.count == 2)
    }

    @Test("A spill file that cannot be read: after 3 tries the host's URLs on disk are given up and told, never left waiting")
    func spillReadFailureIsReported() async throws {
        let (handed, frontier, events) = try await drainWithFailingReads(1000)
        let abandoned = await frontier.counters.spillAbandoned
        #expect(abandoned > 300)
        #expect(handed.count + abandoned == 500)
        #expect(await frontier.counters.spillReadFailures == 3)
        // Nothing is left waiting for URLs that cannot come: the crawl ends.
        #expect(await frontier.isFinished)
        #expect(await frontier.next() == nil)
        let told = events.compactMap { event -> Int? in
            if case .spillReadFailed(_, _, let count, false) = event, count > 0 { count } else { nil }
        }
        #expect(told == [abandoned])
    }

    @Test(
        "10,000 hosts under a 4 MiB budget: the queues with their host records, those of hosts with URLs only on disk included, stay within half of it, and every URL goes out once"
    )
    func manyHostsStayInBudget() async throws {
        var configuration = try configuration(memoryBudget: 4 << 20)
        configuration.policy = PolitenessPolicy(maxConcurrencyPerHost: 1, delay: .zero)
        let frontier = Frontier(configuration: configuration) { _ in .unreachable }
        var largest = 0
        var mostOnDisk = 0
        var handed = Set<String>()
        for start in stride(from: 0, to: 100_000, by: 1000) {
            // Ten URLs a host, 10,000 URLs apart: every host is busy most of the time.
            await frontier.add(contentsOf: (start..<start + 1000).map { entry($0 % 10_000, $0, priority: 0, depth: 0) })
            // A host with URLs only on disk keeps its count and its place among the
            // hosts to refill, by a hash of its key (no key): counted, and small.
            let storage = await frontier.storage
            largest = max(largest, storage.queueMemoryBytes)
            mostOnDisk = max(mostOnDisk, storage.hostsOnDisk)
            for _ in 0..<200 {
                guard let next = await frontier.next(now: .now) else { break }
                handed.insert(next.url)
                await frontier.complete(next, outcome: .success(latency: .zero), now: .now)
            }
        }
        for _ in 0..<100_000 {
            guard let next = await frontier.next(now: .now) else { break }
            #expect(handed.insert(next.url).inserted)
            await frontier.complete(next, outcome: .success(latency: .zero), now: .now)
        }
        #expect(handed.count == 100_000)
        // Hosts refilled from disk get one URL each past the cap (at most 64 at a time).
        #expect(largest <= (2 << 20) + (128 << 10), "largest \(largest)")
        #expect(mostOnDisk > 5000, "most hosts on disk \(mostOnDisk)")
        #expect(await frontier.storage.hostRecords == 0)
    }

    @Test("Hosts whose keys share a spill hash (forced: 1 bit kept) get each of their URLs once, each host's best first")
    func sharedHostHashesKeepOrder() async throws {
        // 9 hosts over 2 hashes.
        try await expectSpillOrder(hosts: 9, count: 1800, hashMask: 1)
    }
}

/// Events a frontier tells, collected from any thread.
private final class LockedEvents: Sendable {
    private let events = Mutex<[FrontierEvent]>([])

    func append(_ event: FrontierEvent) {
        events.withLock { $0.append(event) }
    }

    var all: [FrontierEvent] { events.withLock { $0 } }
}
