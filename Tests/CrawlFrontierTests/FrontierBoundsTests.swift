import CrawlFrontier
import Foundation
import Testing

/// The frontier's memory and CPU bounds: queued URLs (in all and per host),
/// the trap check's cost on long URLs, and the seen-set against chosen fingerprints.
@Suite("Frontier bounds")
struct FrontierBoundsTests {
    private func entry(_ host: String, _ path: String) -> FrontierEntry {
        let url = "http://\(host)\(path)"
        var hasher = Hasher()
        hasher.combine(url)
        return FrontierEntry(url: url, fingerprint: UInt64(bitPattern: Int64(hasher.finalize())), hostKey: "http://\(host):80")
    }

    private func frontier(maxQueued: Int?, maxQueuedPerHost: Int?) throws -> Frontier {
        let configuration = FrontierConfiguration(
            scope: try CrawlScope(hosts: .any), userAgent: "AsyncURLTests", obeysRobots: false,
            maxQueued: maxQueued, maxQueuedPerHost: maxQueuedPerHost)
        return Frontier(configuration: configuration) { _ in .unreachable }
    }

    @Test("Past the per-host bound a host's URLs are counted limited, not seen; other hosts still queue; a taken URL frees a place")
    func perHostBound() async throws {
        let frontier = try frontier(maxQueued: nil, maxQueuedPerHost: 100)
        let first = await frontier.add(contentsOf: (0..<1000).map { entry("a.test", "/\($0)") })
        #expect(first.filter { $0 == .queued }.count == 100)
        #expect(first.filter { $0 == .queueLimitReached }.count == 900)
        #expect(await frontier.queuedCount == 100)
        // Not marked seen: once a URL of the host is taken, one refused before queues.
        let taken = try #require(await frontier.next())
        #expect(taken.hostKey == "http://a.test:80")
        #expect(await frontier.add(entry("a.test", "/500")) == .queued)
        #expect(await frontier.add(entry("a.test", "/501")) == .queueLimitReached)
        let other = await frontier.add(contentsOf: (0..<50).map { entry("b.test", "/\($0)") })
        #expect(other.allSatisfy { $0 == .queued })
        let counters = await frontier.counters
        #expect(counters.queueLimited == 901)
        #expect(counters.duplicates == 0)
    }

    @Test("Past the global bound every host's URLs are counted limited; the queue never holds more")
    func globalBound() async throws {
        let frontier = try frontier(maxQueued: 300, maxQueuedPerHost: nil)
        var queuedMost = 0
        for host in 0..<10 {
            await frontier.add(contentsOf: (0..<100).map { entry("h\(host).test", "/\($0)") })
            queuedMost = max(queuedMost, await frontier.queuedCount)
        }
        #expect(queuedMost == 300)
        #expect(await frontier.counters.queueLimited == 700)
        // Draining frees room: a fresh URL queues again.
        var drained = 0
        while drained < 300, let next = await frontier.next() {
            drained += 1
            await frontier.complete(next, outcome: .success(latency: .zero))
        }
        #expect(drained == 300)
        #expect(await frontier.add(entry("h0.test", "/fresh")) == .queued)
    }

    @Test(
        "With a state directory, URLs past the bounds wait on disk: none refused, none lost, the queue in memory never over its bound",
        arguments: [(nil, 100), (300, nil)] as [(Int?, Int?)])
    func spillToDisk(maxQueued: Int?, maxQueuedPerHost: Int?) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-spill-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CrawlStateStore(directory: directory)
        let configuration = FrontierConfiguration(
            scope: try CrawlScope(hosts: .any), userAgent: "AsyncURLTests", obeysRobots: false,
            maxQueued: maxQueued, maxQueuedPerHost: maxQueuedPerHost)
        let frontier = Frontier(configuration: configuration, store: store, spill: try SpillQueue(directory: directory)) { _ in .unreachable
        }
        var offered = Set<String>()
        for host in 0..<4 {
            let entries = (0..<250).map { entry("h\(host).test", "/\($0)") }
            offered.formUnion(entries.map(\.url))
            #expect(await frontier.add(contentsOf: entries).allSatisfy { $0 == .queued })
        }
        let bound = maxQueued ?? maxQueuedPerHost.map { $0 * 4 } ?? .max
        var handed = Set<String>()
        var most = 0
        while handed.count < 1000, let next = await frontier.next() {
            most = max(most, await frontier.queuedCount)
            handed.insert(next.url)
            await frontier.complete(next, outcome: .success(latency: .zero))
        }
        #expect(handed == offered)
        #expect(most <= bound)
        #expect(await frontier.isFinished)
        let counters = await frontier.counters
        #expect(counters.queueLimited == 0)
        #expect(counters.spilled == 1000 - bound)
        try store.close()
    }

    @Test(
        "The repeated-segment check on 1 MB URLs finishes (linear: 170,000 distinct segments, and the same segment 500,000 times)",
        .timeLimit(.minutes(1)))
    func trapCheckIsLinear() throws {
        // A pairwise comparison would take 170,000² / 2 ≈ 1.4 × 10¹⁰ segment comparisons on the first.
        let scope = try CrawlScope(hosts: .any, maxURLLength: 2_000_000)
        let distinct = "http://h.test" + (0..<170_000).map { "/\($0)" }.joined()
        #expect(distinct.utf8.count > 1_000_000)
        #expect(scope.rejection(of: FrontierEntry(url: distinct, fingerprint: 1, hostKey: "http://h.test:80"), seedHosts: []) == nil)
        let repeated = "http://h.test" + String(repeating: "/a", count: 500_000)
        #expect(
            scope.rejection(of: FrontierEntry(url: repeated, fingerprint: 2, hostKey: "http://h.test:80"), seedHosts: [])
                == .repeatedSegments)
        let almost = "http://h.test/a/b/a/b/a/b/c"
        #expect(scope.rejection(of: FrontierEntry(url: almost, fingerprint: 3, hostKey: "http://h.test:80"), seedHosts: []) == nil)
        #expect(
            scope.rejection(of: FrontierEntry(url: almost + "/a", fingerprint: 4, hostKey: "http://h.test:80"), seedHosts: [])
                == .repeatedSegments)
    }

    @Test("The repeated-segment check's shortcut for short paths keeps every verdict: limit and limit + 1 repeats, queries, no authority")
    func shortPathShortcutKeepsVerdicts() throws {
        let scope = try CrawlScope(hosts: .any, maxRepeatedSegments: 2)
        func rejection(_ url: String) -> CrawlScope.Rejection? {
            scope.rejection(of: FrontierEntry(url: url, fingerprint: 1, hostKey: "http://h.test:80"), seedHosts: [])
        }
        #expect(rejection("http://h.test/a/a") == nil)
        #expect(rejection("http://h.test/a/a/a") == .repeatedSegments)
        #expect(rejection("http://h.test//a//a/") == nil)
        #expect(rejection("http://h.test/a/a?x=/a/a/a") == nil)
        #expect(rejection("http://h.test/a/a#/a") == nil)
        // Slashes before the authority are not the path's; without one, the first segment follows no slash.
        #expect(rejection("x?y://h.test/a/a/a") == .repeatedSegments)
        #expect(rejection("a/a/a") == .repeatedSegments)
        #expect(rejection("a/a") == nil)
    }

    @Test("Fingerprints chosen to share their high bits do not pile into one probe cluster")
    func chosenFingerprintsSpread() {
        // Unkeyed, (fingerprint × capacity) >> 64 puts 1...20,000 all in slot 0: one run of 20,000 slots.
        var set = FingerprintSet(minimumCapacity: 16)
        for value in UInt64(1)...20_000 { set.insert(value) }
        #expect(set.count == 20_000)
        #expect((UInt64(1)...20_000).allSatisfy { set.contains($0) })
        #expect(set.longestProbeRun < 1000, "longest run of occupied slots: \(set.longestProbeRun)")
        // The same for fingerprints that differ only in their low 16 bits.
        var high = FingerprintSet(minimumCapacity: 16)
        for value in UInt64(0)..<20_000 { high.insert(0xABCD_0000_0000_0000 | value) }
        #expect(high.longestProbeRun < 1000, "longest run of occupied slots: \(high.longestProbeRun)")
    }
}
