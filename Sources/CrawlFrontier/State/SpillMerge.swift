#if canImport(Glibc)
    import Glibc
#endif

/// Merges runs of a ``SpillQueue`` into one, on a background thread: each
/// host's sections are merged row by row in order, without the rows consumed
/// when the merge started (a prefix of each section) and without the
/// sections of hosts whose rows were all consumed. Reads each input
/// sequentially, a MiB at a time, and writes the output likewise.
enum SpillMerge {
    /// A run to merge and its sequence number.
    struct Input: Sendable {
        let run: SpillRun
        let sequence: UInt32
    }

    /// A merge's result: the run, and the host hashes whose sections it dropped as dead.
    struct Output: Sendable {
        let run: SpillRun
        let deadHosts: [UInt64]
    }

    /// What a merge reads of the queue's bookkeeping: a snapshot taken when
    /// it started, of what concerns its inputs.
    struct Snapshot: Sendable {
        /// The `liveFrom` of hosts with dead sections in an input (past the oldest input's sequence number).
        let liveFrom: [UInt64: UInt32]
        /// The inputs' partly consumed sections, per input (by sequence number), per host hash.
        let consumed: [UInt32: [UInt64: SpillQueue.Progress]]
    }

    /// Merges `inputs` into one run in `directory`.
    /// - Parameters:
    ///   - failing: fail at the end, as a full disk would (a test hook).
    ///   - isCancelled: checked now and then; `true` stops the merge (with an error).
    /// - Throws: ``StateStoreError`` when an input cannot be read or the output written.
    static func merge(
        _ inputs: [Input], snapshot: Snapshot, directory: String, failing: Bool, isCancelled: @Sendable () -> Bool
    ) throws(StateStoreError) -> Output {
        var indexes = inputs.map { SectionCursor(run: $0.run) }
        var heads: [SpillRun.Section?] = []
        for index in indexes.indices { heads.append(try indexes[index].next()) }
        var rows = inputs.map { SpillRowCursor($0.run, from: 0, to: 0, chunkBytes: 1 << 20, readsAhead: true) }
        var writer = try SpillRunWriter(directory: directory, expectedSections: inputs.reduce(0) { $0 + $1.run.sectionCount })
        var dead: [UInt64] = []
        var hostsDone = 0
        do throws(StateStoreError) {
            while let hash = smallestHash(heads) {
                hostsDone += 1
                if hostsDone % 4096 == 0, isCancelled() {
                    throw StateStoreError(path: directory, operation: "merge spill runs", code: ECANCELED, message: "cancelled")
                }
                let liveFrom = snapshot.liveFrom[hash] ?? 0
                var live: [Int] = []
                for index in heads.indices where heads[index]?.hash == hash {
                    if let section = heads[index], let skip = unconsumed(section, of: inputs[index], liveFrom: liveFrom, snapshot: snapshot)
                    {
                        rows[index].seek(from: section.start + skip, to: section.start + section.length)
                        live.append(index)
                    }
                    heads[index] = try indexes[index].next()
                }
                guard !live.isEmpty else {
                    if liveFrom > 0 { dead.append(hash) }
                    continue
                }
                try writer.beginSection(hash)
                try mergeSection(live, &rows, into: &writer)
            }
        } catch {
            writer.discard()
            throw error
        }
        return Output(run: try writer.finish(failing: failing), deadHosts: dead)
    }

    private static func smallestHash(_ heads: [SpillRun.Section?]) -> UInt64? {
        var smallest: UInt64?
        for case let head? in heads where smallest.map({ head.hash < $0 }) ?? true { smallest = head.hash }
        return smallest
    }

    /// Where a section's unconsumed rows start (bytes from its start), or
    /// `nil` when none are left: the host's rows in the run are dead, or all consumed.
    private static func unconsumed(_ section: SpillRun.Section, of input: Input, liveFrom: UInt32, snapshot: Snapshot) -> Int? {
        if liveFrom > input.sequence { return nil }
        let progress = snapshot.consumed[input.sequence]?[section.hash]
        guard (progress?.rows ?? 0) < section.rows else { return nil }
        return progress?.bytes ?? 0
    }

    /// Writes the rows of the cursors `live` in order (each cursor before its section's first row to keep).
    private static func mergeSection(_ live: [Int], _ rows: inout [SpillRowCursor], into writer: inout SpillRunWriter)
        throws(StateStoreError)
    {
        var live = live
        var index = 0
        while index < live.count {
            if try rows[live[index]].next() { index += 1 } else { live.remove(at: index) }
        }
        while !live.isEmpty {
            var best = 0
            for candidate in 1..<live.count {
                if let key = rows[live[candidate]].current?.key, let bestKey = rows[live[best]].current?.key, key < bestKey {
                    best = candidate
                }
            }
            var failure: StateStoreError?
            _ = rows[live[best]].withCurrentRow { row in
                do throws(StateStoreError) { try writer.append(row) } catch { failure = error }
            }
            if let failure { throw failure }
            if try !rows[live[best]].next() { live.remove(at: best) }
        }
    }
}

extension SpillMerge {
    /// Reads a run's section index in order, a block at a time.
    struct SectionCursor {
        private let run: SpillRun
        private var block = 0
        private var sections: [SpillRun.Section] = []
        private var position = 0

        init(run: SpillRun) {
            self.run = run
        }

        /// The next section, or `nil` at the end.
        /// - Throws: ``StateStoreError`` when the index cannot be read.
        mutating func next() throws(StateStoreError) -> SpillRun.Section? {
            while position == sections.count {
                guard block < run.blockCount else { return nil }
                sections = try run.sections(inBlock: block)
                position = 0
                block += 1
            }
            defer { position += 1 }
            return sections[position]
        }
    }
}
