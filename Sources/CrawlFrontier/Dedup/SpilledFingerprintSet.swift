import AsyncURLSupport
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// An exact set of 64-bit URL fingerprints whose memory is bounded: the
/// crawl's seen-set for crawls larger than memory.
///
/// Recent fingerprints live in a `FingerprintSet`. When it holds
/// ``maxRecent`` of them it is frozen (still answering lookups) and a
/// background thread (a Dispatch queue, not the Swift concurrency pool) sorts
/// it into a `FingerprintRun` on disk: about 6 bytes a fingerprint, with a
/// sparse index and a Bloom filter in memory (about 1.4 bytes a fingerprint).
/// When there are ``mergeFanIn`` runs, another background thread merges them
/// into one, so a lookup probes at most a few runs, and each run is read only
/// when its Bloom filter says it may hold the fingerprint (one `pread` of a
/// block of at most 128 keys).
///
/// Exact: a fingerprint inserted is always found, in the table, the frozen
/// table or a run (a run replaces what it was built from in one step, under a
/// lock); one never inserted is never found. If a run cannot be written (a
/// full disk), its table stays in memory: memory grows, answers stay exact.
/// A run that cannot be read answers "not there" (a URL may then be fetched
/// twice, never skipped) and is counted in ``readFailures``.
///
/// Not `Sendable`: owned and used by one actor (the ``Frontier``).
package final class SpilledFingerprintSet {
    private struct Shared {
        /// Tables being written to runs (or kept, when writing failed), by number.
        var frozen: [(number: Int, table: FingerprintSet)] = []
        /// Runs on disk, oldest first.
        var runs: [FingerprintRun] = []
        var isMerging = false
        var merges = 0
        var failure: StateStoreError?
    }

    private var recent = FingerprintSet()
    private var tablesFrozen = 0
    private let shared = LockedState(Shared())
    private let writer = DispatchQueue(label: "asyncurl.seen-set.writer")
    private let merger = DispatchQueue(label: "asyncurl.seen-set.merger")
    private let directory: String
    /// Fingerprints kept in the in-memory table before it goes to disk (`nil`: never).
    public let maxRecent: Int?
    /// Runs merged into one once there are this many.
    public let mergeFanIn: Int
    /// The number of fingerprints in the set.
    public private(set) var count = 0
    /// Runs that could not be read during a lookup.
    public private(set) var readFailures = 0

    /// Creates an empty set.
    /// - Parameters:
    ///   - directory: where runs are written (with no name, so nothing is
    ///     left behind); `TMPDIR` or `/tmp` when `nil`.
    ///   - memoryBytes: the memory the in-memory tables may take (the recent
    ///     one and the one being written); `nil`: everything stays in memory.
    ///   - mergeFanIn: how many runs are merged into one (at least 2).
    public init(directory: String? = nil, memoryBytes: Int? = nil, mergeFanIn: Int = 4) {
        self.directory = directory ?? AnonymousFile.temporaryDirectory
        // A table takes up to 15 bytes a fingerprint; two may be alive at once.
        maxRecent = memoryBytes.map { max(1024, $0 / 30) }
        self.mergeFanIn = max(2, mergeFanIn)
    }

    /// Whether `fingerprint` is in the set.
    /// - Parameter fingerprint: a URL's fingerprint.
    public func contains(_ fingerprint: UInt64) -> Bool {
        if recent.contains(fingerprint) { return true }
        // Nothing frozen yet (every crawl under its budget): no lock, no copies of the lists.
        guard maxRecent != nil, tablesFrozen > 0 else { return false }
        let (frozen, runs) = shared.withLock { ($0.frozen, $0.runs) }
        for (_, table) in frozen where table.contains(fingerprint) { return true }
        let key = fingerprint == 0 ? FingerprintSet.zeroSubstitute : fingerprint
        for run in runs.reversed() {
            do {
                if try run.contains(key) { return true }
            } catch {
                readFailures += 1
            }
        }
        return false
    }

    /// Adds `fingerprint`; `true` when it was not in the set yet.
    /// - Parameter fingerprint: a URL's fingerprint.
    @discardableResult
    public func insert(_ fingerprint: UInt64) -> Bool {
        guard !contains(fingerprint) else { return false }
        recent.insert(fingerprint)
        count += 1
        if let maxRecent, recent.count >= maxRecent { freeze() }
        return true
    }

    /// Adds `fingerprint`, which ``contains(_:)`` has just reported absent
    /// (no second lookup).
    /// - Parameter fingerprint: a URL's fingerprint.
    public func insertAbsent(_ fingerprint: UInt64) {
        guard recent.insert(fingerprint) else { return }
        count += 1
        if let maxRecent, recent.count >= maxRecent { freeze() }
    }

    /// Hands the recent table to the writer and starts a new one. Waits
    /// (rarely) when the table before it is not written yet, so at most two
    /// tables are in memory.
    private func freeze() {
        if shared.withLock({ !$0.frozen.isEmpty && $0.failure == nil }) { writer.sync {} }
        let table = recent
        tablesFrozen += 1
        let number = tablesFrozen
        shared.withLock { $0.frozen.append((number, table)) }
        recent = FingerprintSet()
        writer.async { [shared, directory, merger, mergeFanIn] in
            Self.write(table, number: number, to: directory, shared: shared)
            Self.mergeIfNeeded(shared: shared, directory: directory, on: merger, fanIn: mergeFanIn)
        }
    }

    /// Sorts a frozen table into a run; on success the run replaces it.
    private static func write(_ table: FingerprintSet, number: Int, to directory: String, shared: LockedState<Shared>) {
        var keys = table.fingerprints
        keys.sort()
        do throws(StateStoreError) {
            var writer = try FingerprintRunWriter(directory: directory, expectedCount: keys.count)
            for key in keys {
                do {
                    try writer.append(key)
                } catch {
                    writer.discard()
                    throw error
                }
            }
            let run = try writer.finish()
            shared.withLock { state in
                state.runs.append(run)
                state.frozen.removeAll { $0.number == number }
            }
        } catch {
            // The table stays in memory (exact, if larger than planned).
            shared.withLock { $0.failure = error }
        }
    }

    /// Starts a merge of every run when there are `fanIn` and none runs.
    private static func mergeIfNeeded(shared: LockedState<Shared>, directory: String, on merger: DispatchQueue, fanIn: Int) {
        let inputs: [FingerprintRun]? = shared.withLock { state in
            guard !state.isMerging, state.runs.count >= fanIn else { return nil }
            state.isMerging = true
            return state.runs
        }
        guard let inputs else { return }
        merger.async {
            let merged = try? merge(inputs, into: directory)
            shared.withLock { state in
                state.isMerging = false
                guard let merged else { return }
                // Runs written meanwhile came after the inputs: they stay, in order.
                state.runs.removeFirst(inputs.count)
                state.runs.insert(merged, at: 0)
                state.merges += 1
            }
            // Runs written meanwhile may be enough for another merge.
            mergeIfNeeded(shared: shared, directory: directory, on: merger, fanIn: fanIn)
        }
    }

    /// Merges sorted runs into one.
    private static func merge(_ runs: [FingerprintRun], into directory: String) throws(StateStoreError) -> FingerprintRun {
        var cursors = runs.map { FingerprintRun.Cursor($0) }
        var heads: [UInt64?] = []
        for index in cursors.indices { heads.append(try cursors[index].next()) }
        var writer = try FingerprintRunWriter(directory: directory, expectedCount: runs.reduce(0) { $0 + $1.count })
        do {
            var last: UInt64?
            while true {
                var smallest: Int?
                for index in heads.indices {
                    guard let key = heads[index] else { continue }
                    if smallest.flatMap({ heads[$0] }).map({ key < $0 }) ?? true { smallest = index }
                }
                guard let index = smallest, let key = heads[index] else { break }
                if key != last { try writer.append(key) }
                last = key
                heads[index] = try cursors[index].next()
            }
        } catch {
            writer.discard()
            throw error
        }
        return try writer.finish()
    }

    /// Waits until runs being written or merged are done (for tests and benchmarks).
    public func waitForBackgroundWork() {
        // A write may start a merge, and a merge another one.
        repeat {
            writer.sync {}
            merger.sync {}
        } while shared.withLock({ $0.isMerging })
    }

    /// Runs on disk now.
    public var runCount: Int { shared.withLock { $0.runs.count } }

    /// Merges done so far.
    public var mergeCount: Int { shared.withLock { $0.merges } }

    /// Bytes of the runs on disk.
    public var diskBytes: Int { shared.withLock { $0.runs.reduce(0) { $0 + $1.diskBytes } } }

    /// Fingerprints in runs on disk.
    public var countOnDisk: Int { shared.withLock { $0.runs.reduce(0) { $0 + $1.count } } }

    /// Bytes in memory: the tables, and the runs' indexes and Bloom filters.
    public var memoryBytes: Int {
        recent.memoryBytes
            + shared.withLock { state in
                state.frozen.reduce(0) { $0 + $1.table.memoryBytes } + state.runs.reduce(0) { $0 + $1.memoryBytes }
            }
    }

    /// The last failure to write a run, if any (its fingerprints stayed in memory).
    public var writeFailure: StateStoreError? { shared.withLock { $0.failure } }
}
