import AsyncURLSupport

/// Sends lease ends to Redis in batches, as a group commit does: the first
/// completion goes out at once, alone; those that come while it is on the
/// wire go together in the next script call (at most ``maxBatch``). A busy
/// worker then makes one call for several pages instead of one each, and an
/// idle one waits for nothing.
final class RedisCompletionQueue: Sendable {
    private struct Waiting {
        var completion: RedisFrontierWire.Completion
        var continuation: CheckedContinuation<RedisFrontierWire.CompletionReply?, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var isSending = false
    }

    /// The most lease ends in one script call.
    static let maxBatch = 64

    private let wire: RedisFrontierWire
    private let workerID: String
    /// Numbers the batches, and knows up to which one the output is written.
    let ledger = RedisOutputLedger()
    private let state = LockedState(State())

    /// A queue for the worker `workerID`: its batches are named after it, so a retried one is answered as the first time.
    init(wire: RedisFrontierWire, workerID: String) {
        self.wire = wire
        self.workerID = workerID
    }

    /// Ends a lease; what the script said about it (`nil`: Redis could not be
    /// reached, after the wire's retries).
    func complete(_ completion: RedisFrontierWire.Completion) async -> RedisFrontierWire.CompletionReply? {
        await withCheckedContinuation { (continuation: CheckedContinuation<RedisFrontierWire.CompletionReply?, Never>) in
            let sends = state.withLock { state -> Bool in
                state.waiting.append(Waiting(completion: completion, continuation: continuation))
                guard !state.isSending else { return false }
                state.isSending = true
                return true
            }
            if sends { Task { await self.sendWaiting() } }
        }
    }

    /// Sends batches until nothing waits.
    private func sendWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let taken = Array(state.waiting.prefix(Self.maxBatch))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.isSending = false }
                return taken
            }
            if batch.isEmpty { return }
            let (sequence, written) = ledger.send(writing: batch.count { $0.completion.writesOutput })
            // Retries send the same name: a completion that went through before the reply was lost is answered as held.
            let name = RedisFrontierWire.BatchName(worker: workerID, sequence: sequence)
            let reply = await wire.withRetries { () async throws(RedisError) -> (held: [Bool], isFinished: Bool) in
                try await self.wire.complete(batch.map(\.completion), name: name, written: written)
            }
            for (index, waiting) in batch.enumerated() {
                if waiting.completion.writesOutput, reply?.held[index] != true { ledger.refused(batch: sequence) }
                waiting.continuation.resume(
                    returning: reply.map {
                        RedisFrontierWire.CompletionReply(wasHeld: $0.held[index], isFinished: $0.isFinished, batch: sequence)
                    })
            }
        }
    }
}
