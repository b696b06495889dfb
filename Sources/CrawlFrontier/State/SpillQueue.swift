import AsyncURLSupport
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Where a frontier keeps the URLs that do not fit in memory: a log of
/// sorted, immutable runs on disk (beside the state database of a resumable
/// crawl, or in a temporary directory removed with the queue), read back host
/// by host as the host's in-memory head drains.
///
/// URLs come back in the order the in-memory queue would hand them out:
/// priority (highest first), then depth, then arrival (the `arrival` number
/// the frontier gives each URL; unique, so the order is total). The frontier
/// keeps every URL on disk behind every URL of the same host in memory, so
/// the two together hand out URLs in exactly the in-memory order.
///
/// **Design (log-structured).** Appended URLs wait in a buffer in memory,
/// encoded compactly (`SpillRow`; `SpillBuffer`), chained per host.
/// When the buffer passes `bufferCapBytes` (8 MiB by default; the frontier
/// sets a sixteenth of its queues' share of the budget, between 4 KiB and
/// 8 MiB, and counts ``memoryBytes`` in that share), it is written (by the
/// append that fills it, or by ``flush()``) as one **run** (`SpillRun`) in
/// one sequential pass, a MiB per `write`: hosts by hash, each
/// host's rows in order in one **section**, then a section index; in memory
/// a run keeps every 32nd section's hash and a Bloom filter of its hashes
/// (about 1.5 bytes per section). A take merges the host's buffered rows with
/// the unread part of its section in each run whose filter has it (two
/// `pread`s per such run: an index block, then the rows, at most what the
/// take needs) and takes the smallest. Within a section rows are sorted and a
/// take always takes the host's smallest rows, so what is consumed of a
/// section is a prefix: it is kept per (host, run) as rows and bytes
/// (`consumed`). When a host's count reaches 0 its per-run state is
/// dropped and one number is kept instead: sections in runs older than
/// `liveFrom` are dead (`HostState`: 8 bytes, with its hash 16, about 32
/// with table slack; dropped too when no run may hold the host).
///
/// **Merges.** Runs carry a level (0 when written by a flush); when
/// `mergeFanIn` (4) runs share a level a background thread (a Dispatch
/// queue) merges them into one of the next level, dropping consumed prefixes
/// and dead sections, so the number of runs stays logarithmic and disk holds
/// little more than the rows still queued (and when no row is left, every
/// run is dropped). The merge reads a copy of the bookkeeping that concerns
/// its inputs, taken when it starts (the `liveFrom` of hosts with dead
/// sections in them, their partly consumed sections); takes go on
/// meanwhile against the input runs, and what each host takes of them is
/// added up. When the owner swaps the output in, that sum becomes the
/// consumed prefix of the host's output section (rows consumed during the
/// merge were the host's smallest, so they lead the merged section); a host
/// emptied meanwhile has its output section dead. The swap costs one table
/// entry per host taken from during the merge and reads nothing.
///
/// **Failures.** Nothing is written in place: a run is written whole into a
/// new file that no name points to (`UnlinkedFile`: it lives while its
/// descriptor is open, so a killed crawl leaves nothing behind). A
/// run that cannot be written (a full disk, any error) is discarded and its
/// rows stay in the buffer, tried again at the next flush; past twice the cap
/// they are handed back to the caller (kept in memory). No run or merge is
/// written when it would leave less than `minimumFreeBytes` free: a full
/// buffer is then handed back at once. A failed merge keeps its inputs. A
/// run that cannot be read makes the take throw; nothing is consumed.
///
/// It is a buffer, not part of the resumable state: spilled URLs are in the
/// state store's `queued` log like every accepted URL, so a resumed crawl
/// spills again what does not fit.
///
/// Hosts are known by a 64-bit hash of their key (``hostHash(_:)``). Two
/// hosts whose keys hash alike (in practice none) share sections, read back
/// in order, each row with its own host key, so each host's URLs still come
/// back in its own order.
///
/// Not `Sendable`: owned and used by one ``Frontier`` (an actor); only
/// immutable runs and locked state reach the merge thread.
public final class SpillQueue {
    /// What is kept of a host hash with URLs in the queue (or with dead sections in runs).
    struct HostState: Sendable {
        /// URLs not yet taken (buffered and in runs).
        var count: UInt32
        /// Sections in runs with a lower sequence number are dead (all consumed).
        var liveFrom: UInt32
    }

    /// How much of a section is consumed: a prefix of it (`Int.max` rows: all of it).
    struct Progress: Sendable {
        var rows: Int
        var bytes: Int

        func adding(_ other: Progress) -> Progress {
            Progress(rows: rows &+ other.rows, bytes: bytes &+ other.bytes)
        }

        mutating func add(_ other: Progress) {
            self = adding(other)
        }
    }

    private struct RunSlot: Sendable {
        let run: SpillRun
        let sequence: UInt32
        let level: Int
    }

    /// A merge running in the background.
    private struct RunningMerge {
        let inputs: [RunSlot]
        let snapshot: SpillMerge.Snapshot
        /// Per host, what takes consumed of the inputs since the snapshot:
        /// a prefix of the host's section in the output.
        var carried: [UInt64: Progress] = [:]
        /// Hosts whose rows were all consumed since the snapshot (their output section is dead).
        var emptied: Set<UInt64> = []

        func isInput(_ sequence: UInt32) -> Bool {
            inputs.contains { $0.sequence == sequence }
        }

        func mayHaveInInputs(_ hash: UInt64) -> Bool {
            inputs.contains { $0.run.mayContain(hash) }
        }
    }

    /// What the merge thread and the owner share.
    private struct Shared {
        var outcome: Result<SpillMerge.Output, StateStoreError>?
        var isCancelled = false
    }

    private var hosts: [UInt64: HostState] = [:]
    /// Partly consumed sections of live hosts: per run (by sequence number), per host hash.
    private var consumed: [UInt32: [UInt64: Progress]] = [:]
    /// Hosts whose sections a merge dropped as dead: their records go once no run may hold them (checked a few at a time).
    private var deadHostsToCheck: [UInt64] = []
    private var buffer = SpillBuffer()
    private var runs: [RunSlot] = []
    private var nextSequence: UInt32 = 1
    private var running: RunningMerge?
    /// No merge starts before there are this many runs (set after a failed merge).
    private var mergeRetryRuns = 0
    private let shared = LockedState(Shared())
    private let merger = DispatchQueue(label: "asyncurl.spill.merger")
    /// Frees the disk of runs no longer read.
    private let closer = DispatchQueue(label: "asyncurl.spill.closer")
    /// The bits of ``hostHash(_:)`` kept (a test hook: fewer bits make hosts share hashes).
    package var hostHashMask = UInt64.max
    /// The directory of the run files (the state directory, or the temporary one).
    public let directory: String
    /// URLs spilled and not yet taken back.
    public private(set) var count = 0
    /// URLs written to disk so far (in runs written by flushes).
    public private(set) var writtenCount = 0
    /// Bytes of the rows written to disk so far.
    private var writtenBytes = 0
    /// The buffer's bytes of rows past which ``flush()`` writes a run.
    package var bufferCapBytes = SpillQueue.defaultBufferCapBytes {
        didSet { buffer.reserve(bufferCapBytes) }
    }
    /// The default of `bufferCapBytes`: 8 MiB.
    package static let defaultBufferCapBytes = 8 << 20
    /// Runs of one level merged into one.
    package var mergeFanIn = 4
    /// The free space (bytes) a flush or merge leaves on the runs' file
    /// system at least: short of it, nothing is written (a flush hands its
    /// URLs back, to be kept in memory). Settable for tests.
    package var minimumFreeBytes = SpillQueue.defaultMinimumFreeBytes
    /// The default of `minimumFreeBytes`: 256 MiB.
    public static let defaultMinimumFreeBytes = 256 << 20
    /// Reads that fail on purpose before any real one (a test hook, to provoke a read failure).
    package var injectedReadFailures = 0
    /// Runs written by flushes that fail on purpose, as on a full disk (a test hook).
    package var injectedWriteFailures = 0
    /// Merges that fail on purpose at their end, as on a full disk (a test hook).
    package var injectedMergeFailures = 0
    /// Holds merges before they start until opened (a test hook).
    package var mergeGate: SpillMergeGate?
    /// Runs that could not be written, and merges that failed.
    package private(set) var writeFailures = 0
    /// Merges done.
    package private(set) var mergeCount = 0
    /// Whether a run failed to be written since the last flush (appends then leave the next try to the flush).
    private var hasFailedSinceFlush = false
    /// Entries in `consumed`, all runs together.
    private var consumedEntries = 0
    /// Bytes the runs' indexes and filters take in memory.
    private var runMemoryBytes = 0

    /// Opens an empty queue whose runs go in `directory`, which must exist.
    /// - Parameter directory: the state directory.
    /// - Throws: ``StateStoreError`` when the directory cannot be used.
    public convenience init(directory: String) throws(StateStoreError) {
        try Self.checkDirectory(directory)
        // The SQLite spill file of earlier versions, if a crawl left one.
        for name in ["spill.sqlite", "spill.sqlite-journal"] { unlink(directory + (directory.hasSuffix("/") ? "" : "/") + name) }
        self.init(checkedDirectory: directory)
    }

    /// Creates a queue whose runs go in the temporary directory (`TMPDIR`,
    /// or `/tmp`). A run file is made there with no name and mode 0600
    /// (`UnlinkedFile`), so the
    /// queue needs no directory of its own and leaves nothing behind, even
    /// when its owner is never released or the process is killed.
    /// - Throws: ``StateStoreError`` when the temporary directory cannot be used.
    public convenience init() throws(StateStoreError) {
        let directory = AnonymousFile.temporaryDirectory
        try Self.checkDirectory(directory)
        self.init(checkedDirectory: directory)
    }

    private init(checkedDirectory directory: String) {
        self.directory = directory
    }

    /// Throws unless `directory` is a directory.
    private static func checkDirectory(_ directory: String) throws(StateStoreError) {
        var status = stat()
        guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw StateStoreError(
                path: directory, operation: "open spill directory", code: errno, message: String(cString: strerror(errno)))
        }
    }

    deinit {
        // A merge still running stops at its next check; its files are unlinked already.
        shared.withLock { $0.isCancelled = true }
        mergeGate?.open()
        merger.sync {}
    }

    /// The bytes of the runs on disk.
    package var diskBytes: Int { runs.reduce(0) { $0 + $1.run.diskBytes } }

    /// Runs on disk now.
    package var runCount: Int { runs.count }

    /// The bytes the queue takes in memory besides its host records: the
    /// buffer, the partly consumed sections, the runs' indexes and filters,
    /// and while a merge runs the snapshot it reads.
    public var memoryBytes: Int {
        let entryBytes = 2 * MemoryLayout<(UInt64, Progress)>.stride
        var bytes = buffer.memoryBytes + runMemoryBytes + consumedEntries * entryBytes + deadHostsToCheck.capacity * 8
        if let running {
            bytes += running.snapshot.liveFrom.capacity * 2 * MemoryLayout<(UInt64, UInt32)>.stride
            bytes += (running.carried.capacity + running.emptied.capacity) * entryBytes
        }
        return bytes
    }

    /// The number of host hashes with a record (URLs in the queue, or dead sections in runs).
    var hostCount: Int { hosts.count }

    /// The number of host hashes with URLs in the queue.
    package private(set) var hostsWithURLs = 0

    /// The estimated bytes of memory per host record (its hash and state, with table slack).
    static let hostRecordBytes = 2 * (MemoryLayout<UInt64>.stride + MemoryLayout<HostState>.stride)

    /// The 64-bit hash a host is known by (FNV-1a of its key's UTF-8 bytes).
    /// - Parameter hostKey: the host's key, `scheme://host:port`.
    public func hostHash(_ hostKey: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in hostKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash & hostHashMask
    }

    /// URLs of `hostKey` waiting on disk (with those of any host whose key
    /// has the same ``hostHash(_:)``).
    /// - Parameter hostKey: the host's key.
    public func count(forHost hostKey: String) -> Int {
        count(forHash: hostHash(hostKey))
    }

    /// URLs waiting on disk of the hosts whose keys have the hash `hash`.
    /// - Parameter hash: a ``hostHash(_:)``.
    func count(forHash hash: UInt64) -> Int {
        Int(hosts[hash]?.count ?? 0)
    }

    /// Queues `entry` for the disk (written by a later ``flush()``).
    /// - Parameter entry: the URL.
    /// - Parameter arrival: its place among URLs of equal priority and depth (lower first).
    public func append(_ entry: FrontierEntry, arrival: Int) {
        append(entry, arrival: arrival, hostHash: hostHash(entry.hostKey))
    }

    /// ``append(_:arrival:)`` for a caller that has the host's hash already.
    /// - Parameters:
    ///   - entry: the URL.
    ///   - arrival: its place among URLs of equal priority and depth (lower first).
    ///   - hostHash: the ``hostHash(_:)`` of its host key.
    func append(_ entry: FrontierEntry, arrival: Int, hostHash: UInt64) {
        if buffer.rows.capacity == 0 { buffer.reserve(bufferCapBytes) }
        buffer.append(entry, arrival: arrival, hash: hostHash)
        let state = hosts[hostHash, default: HostState(count: 0, liveFrom: 0)]
        if state.count == 0 { hostsWithURLs += 1 }
        hosts[hostHash] = HostState(count: state.count + 1, liveFrom: state.liveFrom)
        count += 1
        // At the cap the buffer goes to disk at once (the buffer never grows
        // past its room); a run that cannot be written is left to `flush()`.
        if buffer.footprint >= bufferCapBytes, !hasFailedSinceFlush, hasRoom(forBytes: buffer.liveBytes) {
            do {
                try writeRun()
            } catch {
                writeFailures += 1
                hasFailedSinceFlush = true
            }
        }
    }

    /// Writes the buffer as a run once it holds `bufferCapBytes` of rows.
    /// A run that cannot be written leaves its rows in the buffer (tried
    /// again at the next flush) up to twice the cap; past it, or when the
    /// file system is short of `minimumFreeBytes`, they are taken out and
    /// returned (nothing is lost).
    /// - Returns: the URLs handed back, with their arrival numbers.
    @discardableResult
    public func flush() -> [(entry: FrontierEntry, arrival: Int)] {
        finishMerge()
        if !deadHostsToCheck.isEmpty { checkDeadHosts() }
        hasFailedSinceFlush = false
        guard buffer.footprint >= bufferCapBytes else { return [] }
        guard hasRoom(forBytes: buffer.liveBytes) else { return handBackBuffer() }
        do {
            try writeRun()
        } catch {
            writeFailures += 1
            if buffer.footprint >= 2 * bufferCapBytes { return handBackBuffer() }
        }
        return []
    }

    /// Whether the file system keeps `minimumFreeBytes` free after `bytes`
    /// more. Unknown free space counts as room.
    private func hasRoom(forBytes bytes: Int) -> Bool {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return true }
        let free = Int(clamping: UInt64(stats.f_bavail).multipliedReportingOverflow(by: UInt64(stats.f_frsize)).partialValue)
        return free >= minimumFreeBytes + bytes
    }

    /// Takes every buffered row out, for the caller to keep in memory.
    private func handBackBuffer() -> [(entry: FrontierEntry, arrival: Int)] {
        var handed: [(entry: FrontierEntry, arrival: Int)] = []
        handed.reserveCapacity(buffer.liveRows)
        var perHost: [UInt64: Int] = [:]
        for index in buffer.sortedForRun() {
            guard let row = buffer.decode(index) else { continue }
            handed.append(row)
            perHost[buffer.rows[index].hash, default: 0] += 1
        }
        buffer.removeAll()
        for (hash, number) in perHost { forget(hash, number) }
        return handed
    }

    /// Writes the buffer as a level-0 run (sequentially, sorted by hash and
    /// key); on success the buffer is emptied, on failure it is kept whole.
    private func writeRun() throws(StateStoreError) {
        let order = buffer.sortedForRun()
        var sections = 0
        var last: UInt64?
        for index in order where buffer.rows[index].hash != last {
            sections += 1
            last = buffer.rows[index].hash
        }
        var writer = try SpillRunWriter(directory: directory, expectedSections: sections)
        var failure: StateStoreError?
        buffer.bytes.withUnsafeBufferPointer { bytes in
            var open: UInt64?
            for index in order {
                let row = buffer.rows[index]
                do throws(StateStoreError) {
                    if row.hash != open { try writer.beginSection(row.hash) }
                    open = row.hash
                    try writer.append(UnsafeBufferPointer(rebasing: bytes[Int(row.start)..<Int(row.start) + Int(row.length)]))
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure {
            writer.discard()
            throw failure
        }
        let run = try writer.finish(failing: takeInjectedWriteFailure())
        add(RunSlot(run: run, sequence: nextSequence, level: 0))
        nextSequence += 1
        writtenCount += buffer.liveRows
        writtenBytes += buffer.liveBytes
        buffer.removeAll()
        startMergeIfNeeded()
    }

    private func takeInjectedWriteFailure() -> Bool {
        guard injectedWriteFailures > 0 else { return false }
        injectedWriteFailures -= 1
        return true
    }

    private func add(_ slot: RunSlot) {
        runs.append(slot)
        runMemoryBytes += slot.run.memoryBytes
    }

    /// Takes back (and removes) the first `limit` URLs of `hostKey`, in
    /// order (priority, depth, arrival), with their arrival numbers (with
    /// those of any host whose key has the same ``hostHash(_:)``, each with its
    /// own host key).
    /// - Parameter hostKey: the host.
    /// - Parameter limit: the most URLs taken.
    /// - Throws: ``StateStoreError`` when a run cannot be read; the host's
    ///   URLs then stay counted (until the frontier gives them up).
    public func take(host hostKey: String, limit: Int) throws(StateStoreError) -> [(entry: FrontierEntry, arrival: Int)] {
        try take(hash: hostHash(hostKey), limit: limit)
    }
}

// MARK: Takes

extension SpillQueue {
    /// Where a take reads one run's section of the host.
    private struct TakeSource {
        let sequence: UInt32
        var cursor: SpillRowCursor
        var taken = Progress(rows: 0, bytes: 0)
    }

    /// Takes back (and removes) the first `limit` URLs of the hosts whose
    /// keys hash to `hash`, in order (priority, depth, arrival), with their
    /// arrival numbers; each URL has its own host key. Buffered rows and rows
    /// in runs are merged.
    /// - Parameter hash: a ``hostHash(_:)``.
    /// - Parameter limit: the most URLs taken.
    /// - Throws: ``StateStoreError`` when a run cannot be read; nothing is
    ///   then taken, and the URLs stay counted (until the frontier gives them up).
    func take(hash: UInt64, limit: Int) throws(StateStoreError) -> [(entry: FrontierEntry, arrival: Int)] {
        guard limit > 0, count(forHash: hash) > 0 else { return [] }
        finishMerge()
        if injectedReadFailures > 0 {
            injectedReadFailures -= 1
            throw StateStoreError(path: directory, operation: "read spilled", code: EIO, message: "injected read failure")
        }
        var sources = try openSources(hash, limit: limit)
        let buffered = buffer.firstRows(ofHash: hash, limit: limit)
        var bufferTaken = 0
        var taken: [(entry: FrontierEntry, arrival: Int)] = []
        while taken.count < limit {
            var best: Int?
            var bestKey = bufferTaken < buffered.count ? buffered[bufferTaken].key : nil
            for index in sources.indices {
                if let key = sources[index].cursor.current?.key, bestKey.map({ key < $0 }) ?? true {
                    best = index
                    bestKey = key
                }
            }
            guard bestKey != nil else { break }
            if let best {
                taken.append(try takeCurrent(of: &sources[best]))
            } else if let row = buffer.decode(buffered[bufferTaken].index) {
                taken.append(row)
                bufferTaken += 1
            }
        }
        commit(hash: hash, sources: sources, bufferTaken: bufferTaken, total: taken.count)
        return taken
    }

    /// The host's unconsumed section in each run that has one, each cursor on its first row.
    private func openSources(_ hash: UInt64, limit: Int) throws(StateStoreError) -> [TakeSource] {
        let liveFrom = hosts[hash]?.liveFrom ?? 0
        var sources: [TakeSource] = []
        for slot in runs where slot.sequence >= liveFrom && slot.run.mayContain(hash) {
            guard let section = try slot.run.section(for: hash) else { continue }
            let progress = consumed[slot.sequence]?[hash] ?? Progress(rows: 0, bytes: 0)
            guard progress.rows < section.rows else { continue }
            // About what `limit` rows take (the rows written so far are the guide); more is read when they are longer.
            let averageRow = writtenCount > 0 ? writtenBytes / writtenCount : 128
            let chunk = min(1 << 20, max(512, limit * averageRow * 5 / 4))
            var cursor = SpillRowCursor(
                slot.run, from: section.start + progress.bytes, to: section.start + section.length, chunkBytes: chunk)
            guard try cursor.next() else { continue }
            sources.append(TakeSource(sequence: slot.sequence, cursor: cursor))
        }
        return sources
    }

    /// Decodes a source's current row and moves past it.
    private func takeCurrent(of source: inout TakeSource) throws(StateStoreError) -> (entry: FrontierEntry, arrival: Int) {
        guard let length = source.cursor.current?.length,
            let row = source.cursor.withCurrentRow({ SpillRow.decode($0, at: 0, length: $0.count) }) ?? nil
        else {
            throw StateStoreError(path: directory, operation: "read spilled", code: -1, message: "a torn row in a spill run")
        }
        source.taken.rows += 1
        source.taken.bytes += length
        _ = try source.cursor.next()
        return row
    }

    /// Records a take: each run section's consumed prefix grows, taken buffered rows go.
    private func commit(hash: UInt64, sources: [TakeSource], bufferTaken: Int, total: Int) {
        for source in sources where source.taken.rows > 0 {
            let before = consumed[source.sequence]?[hash] ?? Progress(rows: 0, bytes: 0)
            if before.rows == 0 { consumedEntries += 1 }
            consumed[source.sequence, default: [:]][hash] = before.adding(source.taken)
            // Taken from a merge's input: the same rows lead the host's section in its output.
            if running?.isInput(source.sequence) ?? false { running?.carried[hash, default: Progress(rows: 0, bytes: 0)].add(source.taken) }
        }
        buffer.removeFirst(bufferTaken, ofHash: hash)
        // Counted rows that no source holds (none, unless a run was lost): no longer counted.
        forget(hash, total > 0 ? total : count(forHash: hash))
    }

    /// Gives up the URLs not yet taken of the hosts whose keys hash to `hash`
    /// (after they could not be read back): they are no longer counted, and
    /// their rows are dropped (buffered ones at once, those in runs at the next merge).
    /// - Parameter hash: a ``hostHash(_:)``.
    /// - Returns: how many URLs were given up.
    func abandon(hash: UInt64) -> Int {
        let number = count(forHash: hash)
        guard number > 0 else { return 0 }
        buffer.removeFirst(Int.max, ofHash: hash)
        forget(hash, number)
        return number
    }

    /// `number` URLs of `hash` are no longer queued. A host with none left
    /// keeps no per-run state: its sections in every run so far are dead.
    private func forget(_ hash: UInt64, _ number: Int) {
        guard var state = hosts[hash], state.count > 0 else { return }
        count -= min(number, Int(state.count))
        state.count -= UInt32(min(number, Int(state.count)))
        guard state.count == 0 else {
            hosts[hash] = state
            return
        }
        hostsWithURLs -= 1
        for slot in runs where consumed[slot.sequence]?.removeValue(forKey: hash) != nil { consumedEntries -= 1 }
        hosts[hash] = runs.contains { $0.run.mayContain(hash) } ? HostState(count: 0, liveFrom: nextSequence) : nil
        if let merge = running, merge.mayHaveInInputs(hash) {
            running?.carried[hash] = nil
            running?.emptied.insert(hash)
        }
        dropRunsIfEmpty()
    }

    /// With no URL left (and no merge running) every run is dead: all are
    /// closed (their disk freed) and the bookkeeping emptied.
    private func dropRunsIfEmpty() {
        guard count == 0, running == nil, !runs.isEmpty else { return }
        retire(runs.map(\.run))
        runs.removeAll()
        runMemoryBytes = 0
        hosts.removeAll()
        consumed.removeAll()
        consumedEntries = 0
        deadHostsToCheck.removeAll()
    }
}

// MARK: Merges

extension SpillQueue {
    /// Starts a merge of `mergeFanIn` runs of the lowest level that has
    /// that many, unless one runs.
    private func startMergeIfNeeded() {
        guard running == nil, runs.count >= max(mergeRetryRuns, 2) else { return }
        let fanIn = max(2, mergeFanIn)
        var perLevel: [Int: Int] = [:]
        for slot in runs { perLevel[slot.level, default: 0] += 1 }
        guard let level = perLevel.filter({ $0.value >= fanIn }).keys.min() else { return }
        let inputs = Array(runs.filter { $0.level == level }.prefix(fanIn))
        guard inputs.reduce(0, { $0 + $1.run.diskBytes }) <= Int.max / 2, hasRoom(forBytes: inputs.reduce(0) { $0 + $1.run.diskBytes })
        else { return }
        let snapshot = makeSnapshot(of: inputs)
        running = RunningMerge(inputs: inputs, snapshot: snapshot)
        let failing = injectedMergeFailures > 0
        if failing { injectedMergeFailures -= 1 }
        let gate = mergeGate
        merger.async { [shared, directory] in
            gate?.waitUntilOpen()
            let result: Result<SpillMerge.Output, StateStoreError>
            do throws(StateStoreError) {
                result = .success(
                    try SpillMerge.merge(
                        inputs.map { SpillMerge.Input(run: $0.run, sequence: $0.sequence) }, snapshot: snapshot, directory: directory,
                        failing: failing, isCancelled: { shared.withLock { $0.isCancelled } }))
            } catch {
                result = .failure(error)
            }
            shared.withLock { $0.outcome = result }
        }
    }

    /// What a merge of `inputs` needs of the bookkeeping, copied: the hosts
    /// with dead sections in some input, and the inputs' partly consumed sections.
    private func makeSnapshot(of inputs: [RunSlot]) -> SpillMerge.Snapshot {
        let oldest = inputs.map(\.sequence).min() ?? 0
        var liveFrom: [UInt64: UInt32] = [:]
        for (hash, state) in hosts where state.liveFrom > oldest { liveFrom[hash] = state.liveFrom }
        var inputConsumed: [UInt32: [UInt64: Progress]] = [:]
        for input in inputs { inputConsumed[input.sequence] = consumed[input.sequence] }
        return SpillMerge.Snapshot(liveFrom: liveFrom, consumed: inputConsumed)
    }

    /// Swaps in a merge that has finished (or notes its failure), and starts the next one.
    private func finishMerge() {
        guard let merge = running,
            let outcome = shared.withLock({ state in
                defer { state.outcome = nil }
                return state.outcome
            })
        else {
            return
        }
        running = nil
        switch outcome {
        case .success(let output):
            install(output, of: merge)
            mergeCount += 1
        case .failure:
            mergeFailed()
        }
        dropRunsIfEmpty()
        startMergeIfNeeded()
    }

    private func mergeFailed() {
        writeFailures += 1
        // Not tried again before another run comes.
        mergeRetryRuns = runs.count + 1
    }

    /// Replaces a merge's inputs with its output, carrying over what was
    /// consumed meanwhile: O(hosts taken from during the merge), no I/O.
    private func install(_ output: SpillMerge.Output, of merge: RunningMerge) {
        let sequence = nextSequence
        nextSequence += 1
        for slot in merge.inputs {
            runMemoryBytes -= slot.run.memoryBytes
            consumedEntries -= consumed.removeValue(forKey: slot.sequence)?.count ?? 0
        }
        retire(merge.inputs.map(\.run))
        runs.removeAll { merge.isInput($0.sequence) }
        if output.run.sectionCount > 0 { add(RunSlot(run: output.run, sequence: sequence, level: merge.inputs[0].level + 1)) }
        var carried: [UInt64: Progress] = [:]
        for (hash, progress) in merge.carried where hosts[hash].map({ $0.count > 0 }) ?? false { carried[hash] = progress }
        for hash in merge.emptied where output.run.mayContain(hash) {
            if let state = hosts[hash], state.count > 0 {
                // Emptied, then given newer rows: its section in the output is all consumed.
                carried[hash] = Progress(rows: .max, bytes: .max)
            } else {
                // Emptied: its rows in the output are dead too.
                hosts[hash] = HostState(count: 0, liveFrom: nextSequence)
            }
        }
        if !carried.isEmpty {
            consumed[sequence] = carried
            consumedEntries += carried.count
        }
        deadHostsToCheck += output.deadHosts
    }

    /// Frees the disk of runs no longer read, on a thread of its own (the
    /// file system may take a second to free gigabytes).
    private func retire(_ dropped: [SpillRun]) {
        closer.async { for run in dropped { run.releaseDisk() } }
    }

    /// Drops the records of up to 4,096 hosts a merge found dead that no run
    /// may hold any more (a few at a time, so a large merge's list costs no pause).
    private func checkDeadHosts() {
        for _ in 0..<min(4096, deadHostsToCheck.count) {
            guard let hash = deadHostsToCheck.popLast() else { return }
            if hosts[hash]?.count == 0, !runs.contains(where: { $0.run.mayContain(hash) }) { hosts[hash] = nil }
        }
    }

    /// Waits until the running merge (and those it starts) are done and swapped in (for tests and benchmarks).
    package func waitForMerges() {
        while running != nil {
            merger.sync {}
            finishMerge()
        }
    }
}

/// Holds a ``SpillQueue``'s merges before they start until it is opened (a test hook).
package final class SpillMergeGate: Sendable {
    private let isOpen = LockedState(false)

    /// A closed gate.
    package init() {}

    /// Lets held and later merges go.
    package func open() {
        isOpen.withLock { $0 = true }
        isOpen.signal()
    }

    /// Blocks the calling thread until the gate is open.
    func waitUntilOpen() {
        isOpen.withLock(whenReady: { $0 }, { _ in })
    }
}
