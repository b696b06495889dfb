import AsyncURLSupport
import CrawlFrontier

/// Rendered pages' subrequests in a shared crawl: they take their host's
/// slots in Redis (``RedisHostSlotScripts``), counted with every worker's
/// claims in the host's `inflight` and spaced by its delay from `last`.
///
/// A slot expires after ``RedisFrontierOptions/leaseTimeout`` (a request runs
/// far shorter); every worker looks for expired slots every third of it
/// (``sweepExpiredSlots()``), so a dead worker's slots come back.
extension RedisFrontier: HostSlotSharing {
    /// The longest pause between two looks at a host whose slots are all taken.
    static let slotPollInterval: Duration = .milliseconds(20)

    package func takeHostSlot(_ hostKey: String, until deadline: ContinuousClock.Instant) async -> HostSlot? {
        let token = newSlotToken()
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let reply = await wire.withRetries { () async throws(RedisError) -> RedisFrontierWire.SlotReply in
                try await self.wire.takeSlot(of: hostKey, token: token, mode: .slot, expiry: self.options.leaseTimeout)
            }
            let pause: Duration
            switch reply {
            case nil: return nil
            case .taken: return HostSlot(hostKey: hostKey, token: token)
            case .wait(let wait): pause = wait
            case .full: pause = Self.slotPollInterval
            }
            try? await Task.sleep(for: min(pause, max(.milliseconds(1), deadline - .now)))
        }
        return nil
    }

    package func returnHostSlot(_ slot: HostSlot, latency: Duration?, succeeded: Bool) async {
        let sample = latency.map { RedisFrontierWire.LatencySample(latency: $0, succeeded: succeeded) }
        let given = RedisFrontierWire.SlotReturn(hostKey: slot.hostKey, token: slot.token, sample: sample)
        // Given up on Redis: the slot expires.
        _ = await wire.withRetries { () async throws(RedisError) -> Int in try await self.wire.giveSlots([given]) }
    }

    package func setClaimedSlotAside(_ hostKey: String) async -> HostSlot? {
        let token = "-" + newSlotToken()
        let reply = await wire.withRetries { () async throws(RedisError) -> RedisFrontierWire.SlotReply in
            try await self.wire.takeSlot(of: hostKey, token: token, mode: .aside, expiry: self.options.leaseTimeout)
        }
        return reply == nil ? nil : HostSlot(hostKey: hostKey, token: token)
    }

    /// `WORKER#N`, N never used before by this worker.
    private func newSlotToken() -> String {
        workerID + "#"
            + String(
                slotNumbers.withLock {
                    $0 += 1
                    return $0
                })
    }

    package func markFetchStart(_ hostKey: String) async {
        _ = await wire.withRetries { () async throws(RedisError) -> RedisFrontierWire.SlotReply in
            try await self.wire.takeSlot(of: hostKey, token: "", mode: .touch, expiry: .zero)
        }
    }

    /// Frees the slots of any worker past their expiry; how many.
    @discardableResult
    func sweepExpiredSlots() async throws(RedisError) -> Int {
        let expired = try await wire.expiredSlots(leaseTimeout: options.leaseTimeout)
        guard !expired.isEmpty else { return 0 }
        return try await wire.giveSlots(expired.map { .init(hostKey: $0.hostKey, token: $0.token) }, onlyExpired: true)
    }

    /// Sweeps expired slots every third of the lease time until cancelled or the worker gave up on Redis.
    func startSweepingSlots() -> Task<Void, Never> {
        let interval = options.leaseTimeout / 3
        return Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled, self.wire.failure == nil else { return }
                do throws(RedisError) {
                    try await self.sweepExpiredSlots()
                } catch {
                    self.wire.record(error)
                }
            }
        }
    }
}
