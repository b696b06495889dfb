import CrawlFrontier
import Foundation
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
    /// after each page, then drains; the URLs handed out, per host, in order.
    private func handOut(_ entries: [FrontierEntry], through frontier: Frontier) async -> [String: [String]] {
        var order: [String: [String]] = [:]
        func take(_ count: Int) async {
            for _ in 0..<count {
                guard let next = await frontier.next() else { return }
                order[next.hostKey, default: []].append(next.url)
                await frontier.complete(next, outcome: .success(latency: .zero))
            }
        }
        for start in stride(from: 0, to: entries.count, by: 50) {
            await frontier.add(contentsOf: Array(entries[start..<min(start + 50, entries.count)]))
            await take(10)
        }
        await take(entries.count)
        return order
    }

    @Test("With most URLs on disk, each host's URLs go out in the in-memory order (priority, then depth, then arrival)")
    func spillOrderEqualsMemoryOrder() async throws {
        var random = SystemRandomNumberGenerator()
        // 3 hosts, 1,500 URLs, priorities -1...1 and depths 0...4 at random: many ties, many overtakes.
        let entries = (0..<1500).map { number in
            entry(number % 3, number, priority: Int.random(in: -1...1, using: &random), depth: Int.random(in: 0...4, using: &random))
        }
        let inMemory = Frontier(configuration: try configuration(memoryBudget: nil)) { _ in .unreachable }
        // 64 KiB: 32 KiB of queued URLs, about 140 of them.
        let spilling = Frontier(configuration: try configuration(memoryBudget: 64 << 10)) { _ in .unreachable }
        let expected = await handOut(entries, through: inMemory)
        let actual = await handOut(entries, through: spilling)
        #expect(expected.values.reduce(0) { $0 + $1.count } == 1500)
        #expect(actual == expected)
        #expect(await spilling.counters.spilled > 1000)
        #expect(await spilling.storage.queuedInMemory == 0)
        #expect(await spilling.isFinished)
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
}
