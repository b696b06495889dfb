import AsyncURLSupport

/// Sends lease ends to Redis in batches (`RedisGroupCommit`): the first
/// completion goes out at once, alone; those that come while it is on the
/// wire go together in the next script call (at most ``maxBatch``). A busy
/// worker then makes one call for several pages instead of one each, and an
/// idle one waits for nothing.
final class RedisCompletionQueue: Sendable {
    /// The most lease ends in one script call.
    static let maxBatch = 64

    private let wire: RedisFrontierWire
    private let workerID: String
    /// Numbers the batches, and knows up to which one the output is written.
    let ledger = RedisOutputLedger()
    private let group = RedisGroupCommit<RedisFrontierWire.Completion, RedisFrontierWire.CompletionReply?>(capacity: maxBatch)
    private let along = LockedState<ClaimsAlong?>(nil)

    /// URLs claimed in the same script call as a batch of lease ends, for the
    /// worker's tasks that wait: the slots a batch frees are mostly taken
    /// again at once, without a claim call of their own (one per page before:
    /// over half of Redis' time in a one-host crawl).
    struct ClaimsAlong: Sendable {
        /// How long the claimed URLs' leases last.
        var leaseTimeout: Duration
        /// How many URLs the worker's waiting tasks want now (above 0: the
        /// batch then ends with a call of `received`).
        var wanted: @Sendable () -> Int
        /// Takes what the call claimed (`nil`: nothing came), before the batch's completions return.
        var received: @Sendable (RedisFrontierWire.ClaimReply?) -> Void
    }

    /// A queue for the worker `workerID`: its batches are named after it, so a retried one is answered as the first time.
    init(wire: RedisFrontierWire, workerID: String) {
        self.wire = wire
        self.workerID = workerID
    }

    /// Claims URLs with every batch from now on, as `claims` says.
    func claimAlong(_ claims: ClaimsAlong) {
        along.withLock { $0 = claims }
    }

    /// Ends a lease; what the script said about it (`nil`: Redis could not be
    /// reached, after the wire's retries).
    func complete(_ completion: RedisFrontierWire.Completion) async -> RedisFrontierWire.CompletionReply? {
        await group.submit(completion) { batch in await self.send(batch) }
    }

    /// Sends one numbered batch; each lease end's answer.
    private func send(_ batch: [RedisFrontierWire.Completion]) async -> [RedisFrontierWire.CompletionReply?] {
        let (sequence, written) = ledger.send(writing: batch.count { $0.writesOutput })
        // Retries send the same name: a completion that went through before the reply was lost is answered as held.
        let name = RedisFrontierWire.BatchName(worker: workerID, sequence: sequence)
        let claims = along.withLock { $0 }
        let claiming = claims?.wanted() ?? 0
        let reply = await wire.withRetries { () async throws(RedisError) -> RedisFrontierWire.BatchReply in
            try await self.wire.complete(
                batch, name: name, written: written, claiming: claiming, leaseTimeout: claims?.leaseTimeout ?? .zero)
        }
        if claiming > 0 { claims?.received(reply?.claimed) }
        return batch.enumerated().map { index, completion in
            if completion.writesOutput, reply?.held[index] != true { ledger.refused(batch: sequence) }
            return reply.map { RedisFrontierWire.CompletionReply(wasHeld: $0.held[index], isFinished: $0.isFinished, batch: sequence) }
        }
    }
}
