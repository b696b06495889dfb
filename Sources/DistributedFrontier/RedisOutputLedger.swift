import AsyncURLSupport

/// Which of this worker's completion batches still have output to write.
///
/// A URL whose end Redis accepted is written by the crawler after the answer
/// (so a worker whose claim expired writes nothing); until the worker says
/// the output of its batch is written, Redis keeps the URL `unwritten`, and
/// queues it again if the worker dies first (see the complete script). This
/// ledger counts, per batch, the URLs still to be written, and gives the
/// last batch number up to which everything is written: the number every
/// later script call of the worker carries.
final class RedisOutputLedger: Sendable {
    private struct State {
        /// URLs still to be written, per batch number.
        var outstanding: [UInt64: Int] = [:]
        /// The batch each completed URL went in, by fingerprint (in order, for repeated fingerprints).
        var batches: [UInt64: [UInt64]] = [:]
        /// The last batch number handed out.
        var lastBatch: UInt64 = 0
        /// The last `written` number Redis was told.
        var told: UInt64 = 0
    }

    private let state = LockedState(State())

    /// Numbers a new batch with `writing` URLs to be written; returns its
    /// number and the last batch whose output is all written (to send with it).
    func send(writing: Int) -> (batch: UInt64, written: UInt64) {
        state.withLock { state in
            let written = Self.written(state)
            state.lastBatch += 1
            if writing > 0 { state.outstanding[state.lastBatch] = writing }
            state.told = max(state.told, written)
            return (state.lastBatch, written)
        }
    }

    /// Records that Redis accepted the end of a URL of `batch` that is to be
    /// written: the crawler writes it, then calls ``written(_:)``.
    func accepted(_ fingerprint: UInt64, batch: UInt64) {
        state.withLock { $0.batches[fingerprint, default: []].append(batch) }
    }

    /// Records that Redis refused (or never answered) the end of a URL of
    /// `batch` that was to be written: nothing is written for it.
    func refused(batch: UInt64) {
        state.withLock { Self.settle(batch, in: &$0) }
    }

    /// Records that a URL's output is written; returns the new `written`
    /// number when Redis has not been told it yet.
    func written(_ fingerprint: UInt64) -> UInt64? {
        state.withLock { state -> UInt64? in
            guard var batches = state.batches[fingerprint], !batches.isEmpty else { return nil }
            let batch = batches.removeFirst()
            state.batches[fingerprint] = batches.isEmpty ? nil : batches
            Self.settle(batch, in: &state)
            let written = Self.written(state)
            return written > state.told ? written : nil
        }
    }

    /// Notes that Redis was told `written`.
    func told(_ written: UInt64) {
        state.withLock { $0.told = max($0.told, written) }
    }

    /// The last batch number whose output is all written, now.
    var writtenThrough: UInt64 {
        state.withLock { Self.written($0) }
    }

    /// The last batch number handed out.
    var lastBatch: UInt64 {
        state.withLock { $0.lastBatch }
    }

    /// The batches with URLs accepted and not yet written.
    var unwrittenBatches: [UInt64] {
        state.withLock { $0.outstanding.keys.sorted() }
    }

    private static func settle(_ batch: UInt64, in state: inout State) {
        guard let left = state.outstanding[batch] else { return }
        state.outstanding[batch] = left > 1 ? left - 1 : nil
    }

    private static func written(_ state: State) -> UInt64 {
        (state.outstanding.keys.min() ?? state.lastBatch + 1) - 1
    }
}
