import CrawlFrontier
import Foundation
import Testing

/// The spill queue's runs against a plain in-memory model: every take hands
/// out exactly the host's smallest rows (priority, depth, arrival) across the
/// buffer, many runs and merges, merges that run while takes go on, failed
/// writes and shared host hashes.
@Suite("Spill queue runs")
struct SpillQueueTests {
    /// SplitMix64: the same sequence for the same seed, so a failure can be replayed.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    /// The rows a spill queue should hold, per host hash, and how they go out.
    struct Model {
        var rows: [UInt64: [(entry: FrontierEntry, arrival: Int)]] = [:]
        var nextArrival = 0

        /// Records a row and hands it to `spill`.
        mutating func append(_ entry: FrontierEntry, to spill: SpillQueue) {
            rows[spill.hostHash(entry.hostKey), default: []].append((entry, nextArrival))
            spill.append(entry, arrival: nextArrival)
            nextArrival += 1
        }

        /// Takes the first `limit` rows of `hostKey`'s hash from the model (in order).
        mutating func take(_ hostKey: String, limit: Int, from spill: SpillQueue) -> [(entry: FrontierEntry, arrival: Int)] {
            let hash = spill.hostHash(hostKey)
            let sorted = (rows[hash] ?? []).sorted {
                (-$0.entry.priority, $0.entry.depth, $0.arrival) < (-$1.entry.priority, $1.entry.depth, $1.arrival)
            }
            rows[hash] = Array(sorted.dropFirst(limit))
            return Array(sorted.prefix(limit))
        }

        var count: Int { rows.values.reduce(0) { $0 + $1.count } }
    }

    /// A URL of host `host` with a random priority, depth, referrer and payload.
    static func entry(_ host: Int, _ number: Int, using random: inout SeededRandom) -> FrontierEntry {
        let referrer = Bool.random(using: &random) ? "http://h\(host).test/from/\(number)" : nil
        let payload: [UInt8]? =
            switch Int.random(in: 0..<3, using: &random) {
            case 0: nil
            case 1: []
            default: (0..<Int.random(in: 1...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
        return FrontierEntry(
            url: "http://h\(host).test/\(number)", fingerprint: UInt64(number) &* 0x9E37_79B9, hostKey: "http://h\(host).test:80",
            depth: Int.random(in: 0...4, using: &random), priority: Int.random(in: -2...2, using: &random), referrer: referrer,
            payload: payload)
    }

    /// Takes `limit` rows of `hostKey` from both and expects the same rows, in the same order.
    static func expectTake(_ hostKey: String, limit: Int, spill: SpillQueue, model: inout Model) throws {
        let expected = model.take(hostKey, limit: limit, from: spill)
        let actual = try spill.take(host: hostKey, limit: limit)
        #expect(actual.map(\.arrival) == expected.map(\.arrival), "take \(limit) of \(hostKey)")
        #expect(actual.map(\.entry) == expected.map(\.entry))
    }

    /// A spill queue (in `directory`, else the temporary directory) with a buffer cap of `cap` bytes, merging `fanIn` runs.
    static func makeSpill(cap: Int, fanIn: Int = 4, directory: String? = nil) throws -> SpillQueue {
        let spill = try directory.map { path throws(StateStoreError) in try SpillQueue(directory: path) } ?? SpillQueue()
        spill.bufferCapBytes = cap
        spill.mergeFanIn = fanIn
        return spill
    }

    /// Writes the buffer as a run now (a cap of 1 byte makes the next flush write it).
    static func writeRun(_ spill: SpillQueue) {
        let cap = spill.bufferCapBytes
        spill.bufferCapBytes = 1
        #expect(spill.flush().isEmpty)
        spill.bufferCapBytes = cap
    }

    @Test("A temporary queue writes its runs straight into the temporary directory: no directory is made, no file is left, released or not")
    func temporaryQueueLeavesNothing() throws {
        let temporary = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        func leftovers() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("asyncurl-spill-") })
        }
        let before = try leftovers()
        var kept: [SpillQueue] = []
        for round in 0..<3 {
            let spill = try Self.makeSpill(cap: 512)
            var random = SeededRandom(state: UInt64(round))
            for number in 0..<200 { spill.append(Self.entry(number % 5, number, using: &random), arrival: number) }
            Self.writeRun(spill)
            #expect(spill.runCount >= 1)
            #expect(spill.directory == temporary)
            // Two of the three are never released (as a test that keeps its frontier).
            if round < 2 { kept.append(spill) }
        }
        #expect(try leftovers().subtracting(before).isEmpty)
        #expect(kept.count == 2)
    }

    /// Thousands of random appends and takes through a 2 KiB buffer and merges
    /// of 2 or 3 runs, with all host keys distinct or sharing 4 hashes.
    private func randomRun(seed: UInt64, fanIn: Int, hashMask: UInt64) throws {
        var random = SeededRandom(state: seed)
        let spill = try Self.makeSpill(cap: 2048, fanIn: fanIn)
        spill.hostHashMask = hashMask
        var model = Model()
        for number in 0..<6000 {
            let host = Int.random(in: 0..<12, using: &random)
            if Int.random(in: 0..<10, using: &random) < 7 {
                model.append(Self.entry(host, number, using: &random), to: spill)
            } else {
                try Self.expectTake("http://h\(host).test:80", limit: Int.random(in: 1...40, using: &random), spill: spill, model: &model)
            }
            if number % 7 == 0 { #expect(spill.flush().isEmpty) }
            if number % 500 == 0 { spill.waitForMerges() }
            #expect(spill.count == model.count)
            #expect(spill.hostsWithURLs == model.rows.values.filter { !$0.isEmpty }.count)
        }
        #expect(spill.mergeCount >= 5, "merges \(spill.mergeCount)")
        for host in 0..<12 { try Self.expectTake("http://h\(host).test:80", limit: 100_000, spill: spill, model: &model) }
        #expect(spill.count == 0)
        #expect(model.count == 0)
        // With nothing left, every run is dropped.
        spill.waitForMerges()
        #expect(spill.runCount == 0)
        #expect(spill.diskBytes == 0)
    }

    @Test(
        "Random appends and takes over many runs and merges: every take is exactly the model's smallest rows; emptied, no run is left",
        arguments: [2, 3])
    func randomAgainstModel(fanIn: Int) throws {
        try randomRun(seed: 18 + UInt64(fanIn), fanIn: fanIn, hashMask: .max)
    }

    @Test("Hosts sharing hashes (2 bits kept): each take is the shared hash's smallest rows, each with its own host key")
    func sharedHashesAgainstModel() throws {
        try randomRun(seed: 7, fanIn: 2, hashMask: 3)
    }
}
