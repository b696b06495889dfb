import CrawlFrontier
import Foundation
import HeapModule

/// One simulated crawl: URL number `id` lives on host `host(of: id)`; a
/// fetched page links to 70 new URLs and 30 already offered, until `urls`
/// links were offered; then the frontier is drained.
struct Simulation {
    /// A fetch in flight: when it ends, and where its entry is in `slots`
    /// (the heap moves small plain values, not entries with their strings).
    private struct InFlight: Comparable {
        var doneAt: ContinuousClock.Instant
        var slot: Int
        static func < (lhs: InFlight, rhs: InFlight) -> Bool { lhs.doneAt < rhs.doneAt }
        static func == (lhs: InFlight, rhs: InFlight) -> Bool { lhs.doneAt == rhs.doneAt }
    }

    let urls: Int
    let hosts: Int
    let concurrency: Int
    /// Put in every URL's path, before its number.
    let padding: String
    private var random = SplitMix(seed: 0x5EED)
    private var nextID = 0
    private var fetched: [UInt64]
    private var inFlight = Heap<InFlight>()
    /// The entries in flight, and the free places among them.
    private var slots: [FrontierEntry?] = []
    private var freeSlots: [Int] = []
    private var report = SimulationReport()

    init(urls: Int, hosts: Int, concurrency: Int, padding: String) {
        self.padding = padding.isEmpty ? "" : padding + "/"
        self.urls = urls
        self.hosts = hosts
        self.concurrency = concurrency
        // One bit per URL that can exist: at most 70 % of the links are new, plus the seeds.
        fetched = [UInt64](repeating: 0, count: (urls + 1000) / 64 + 1)
    }

    /// Runs until the frontier is drained, `limit` passes or its files pass `maxDiskBytes`.
    mutating func run(_ frontier: Frontier, limit: Duration, maxDiskBytes: Int, progressInterval: Duration) async -> SimulationReport {
        let clock = ContinuousClock()
        let started = clock.now
        var now = clock.now
        var lastProgress = started
        await offer((0..<min(100, urls)).map { _ in newEntry(depth: 0, referrer: nil) }, to: frontier, expectingNew: true)
        while true {
            await claim(from: frontier, now: now)
            if inFlight.isEmpty {
                guard let next = await frontier.nextEventTime(now: now) else { break }
                now = max(now, next)
                continue
            }
            guard let done = inFlight.popMin(), let entry = slots[done.slot] else { break }
            slots[done.slot] = nil
            freeSlots.append(done.slot)
            now = max(now, done.doneAt)
            await fetch(entry, from: frontier, now: now)
            if clock.now - lastProgress > progressInterval {
                lastProgress = clock.now
                let storage = await frontier.storage
                report.largestSpillBytes = max(report.largestSpillBytes, storage.spillDiskBytes)
                report.largestOnDisk = max(report.largestOnDisk, storage.queuedOnDisk)
                report.progress(storage: storage, elapsed: clock.now - started)
                if clock.now - started > limit {
                    report.stopReason = "time limit"
                    break
                }
                if storage.seenDiskBytes + storage.spillDiskBytes > maxDiskBytes {
                    report.stopReason = "disk limit"
                    break
                }
            }
        }
        report.wall = clock.now - started
        report.cpu = CPUTime.now()
        report.uniqueURLs = nextID
        report.fetchedURLs = fetched.reduce(0) { $0 + $1.nonzeroBitCount }
        return report
    }

    /// Claims URLs while fewer than `concurrency` are in flight and the frontier has one ready.
    private mutating func claim(from frontier: Frontier, now: ContinuousClock.Instant) async {
        while inFlight.count < concurrency {
            let started = ContinuousClock.now
            let cpuStarted = CPUTime.now()
            let entry = await frontier.next(now: now)
            report.claimCPU += CPUTime.now() - cpuStarted
            let took = ContinuousClock.now - started
            report.claimTime += took
            guard let entry else { break }
            report.largestClaim = max(report.largestClaim, took)
            report.claims += 1
            let latency = Duration.milliseconds(Int64(100 + random.next() % 400))
            let slot = freeSlots.popLast() ?? slots.count
            if slot == slots.count { slots.append(entry) } else { slots[slot] = entry }
            inFlight.insert(InFlight(doneAt: now + latency, slot: slot))
        }
    }

    /// A simulated fetch: checks the URL was not fetched before, offers its page's links, completes it.
    private mutating func fetch(_ entry: FrontierEntry, from frontier: Frontier, now: ContinuousClock.Instant) async {
        let id = Self.id(of: entry.url)
        let (word, bit) = (id / 64, UInt64(1) << UInt64(id % 64))
        if fetched[word] & bit != 0 { report.fetchedTwice += 1 }
        fetched[word] |= bit
        if report.offers < urls {
            let count = min(100, urls - report.offers)
            let duplicates = count * 3 / 10
            let new = (0..<(count - duplicates)).map { _ in newEntry(depth: entry.depth + 1, referrer: entry.url) }
            let seen = (0..<duplicates).map { _ in
                self.entry(id: Int(random.next() % UInt64(nextID)), depth: entry.depth + 1, referrer: entry.url)
            }
            await offer(new, to: frontier, expectingNew: true)
            await offer(seen, to: frontier, expectingNew: false)
        }
        let started = ContinuousClock.now
        let cpuStarted = CPUTime.now()
        await frontier.complete(entry, outcome: .success(latency: .milliseconds(200)), now: now)
        report.completeCPU += CPUTime.now() - cpuStarted
        report.completeTime += ContinuousClock.now - started
    }

    private mutating func offer(_ entries: [FrontierEntry], to frontier: Frontier, expectingNew: Bool) async {
        let started = ContinuousClock.now
        let cpuStarted = CPUTime.now()
        let outcomes = await frontier.add(contentsOf: entries)
        report.addCPU += CPUTime.now() - cpuStarted
        report.addTime += ContinuousClock.now - started
        report.offers += entries.count
        for outcome in outcomes {
            if expectingNew, outcome != .queued { report.wronglySeen += 1 }
            if !expectingNew, outcome != .duplicate { report.wronglyNew += 1 }
        }
    }

    private mutating func newEntry(depth: Int, referrer: String?) -> FrontierEntry {
        defer { nextID += 1 }
        return entry(id: nextID, depth: depth, referrer: referrer)
    }

    /// URL number `id`: its host (Zipf-like, from a hash of the id) and fingerprint (a bijection of the id).
    private func entry(id: Int, depth: Int, referrer: String?) -> FrontierEntry {
        let hash = SplitMix.mix(UInt64(id))
        // Log-uniform over 1...hosts: host k has a share near 1/k (Zipf, s = 1).
        let uniform = Double(hash >> 11) / Double(1 << 53)
        let host = min(hosts - 1, Int(exp(uniform * log(Double(hosts)))) - 1)
        let hostKey = "http://h\(host).test:80"
        return FrontierEntry(
            url: "http://h\(host).test/p/\(padding)\(id)", fingerprint: hash, hostKey: hostKey, depth: depth, referrer: referrer)
    }

    private static func id(of url: String) -> Int {
        url.utf8.reduce(into: 0) { value, byte in
            value = byte == UInt8(ascii: "/") ? 0 : value &* 10 &+ Int(byte) &- 48
        }
    }
}

/// The process's CPU time (user and system, all threads: the seen-set's
/// background writer included), which load from other processes does not stretch.
enum CPUTime {
    static func now() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
}

/// A small seeded generator (SplitMix64): the same run every time.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// SplitMix64's finalizer: a bijection of 64-bit values.
    static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
