import AsyncURLSupport
import CrawlFrontier

/// The leases this worker holds, and their renewal: every third of the lease
/// time, one script call extends them all and the worker's heartbeat.
///
/// A worker that dies (even with SIGKILL) stops renewing; once its leases
/// expire the next claim by any worker puts those URLs back in their queues.
/// Before a URL's output is written, ``confirm(_:)`` makes sure its lease is
/// still this worker's for a good while (a third of the lease time at least).
final class RedisLeaseKeeper: Sendable {
    private struct Held {
        var lease: RedisLease
        /// Until when the lease is surely this worker's: the time the claim or
        /// renewal that set its expiry was *sent*, plus the lease time.
        var confirmedUntil: ContinuousClock.Instant
    }

    private let wire: RedisFrontierWire
    private let leaseTimeout: Duration
    private let workerID: String
    private let held = LockedState<[UInt64: [Held]]>([:])

    init(wire: RedisFrontierWire, leaseTimeout: Duration, workerID: String) {
        self.wire = wire
        self.leaseTimeout = leaseTimeout
        self.workerID = workerID
    }

    /// Keeps a lease claimed by a request sent at `claimedAt` (renewed until taken back).
    func hold(_ lease: RedisLease, claimedAt: ContinuousClock.Instant) {
        held.withLock { $0[lease.entry.fingerprint, default: []].append(Held(lease: lease, confirmedUntil: claimedAt + leaseTimeout)) }
    }

    /// Takes back the lease of a claimed entry; `nil` when this worker holds none for it.
    func take(for entry: FrontierEntry) -> RedisLease? {
        held.withLock { held in
            guard var leases = held[entry.fingerprint], !leases.isEmpty else { return nil }
            let taken = leases.removeFirst()
            held[entry.fingerprint] = leases.isEmpty ? nil : leases
            return taken.lease
        }
    }

    /// Takes back every lease (the worker stops).
    func takeAll() -> [RedisLease] {
        held.withLock { held in
            let all = held.values.flatMap { $0.map(\.lease) }
            held.removeAll()
            return all
        }
    }

    /// How many leases this worker holds.
    var count: Int {
        held.withLock { $0.values.reduce(0) { $0 + $1.count } }
    }

    /// Whether the entry's lease is still this worker's, for at least a third
    /// of the lease time: known locally while renewals keep up, asked of
    /// Redis (and extended) otherwise. `false` when Redis says it expired, or
    /// cannot be asked.
    func confirm(_ entry: FrontierEntry) async -> Bool {
        let now = ContinuousClock.now
        guard let current = held.withLock({ $0[entry.fingerprint]?.first }) else { return false }
        if current.confirmedUntil - now > leaseTimeout / 3 { return true }
        let stillHeld = await wire.withRetries { () async throws(RedisError) -> Int in
            try await self.wire.renew([current.lease.raw], leaseTimeout: self.leaseTimeout, workerID: self.workerID)
        }
        guard stillHeld == 1 else { return false }
        extend([current.lease.raw], sentAt: now)
        return true
    }

    /// Extends every lease and the heartbeat now.
    func renew() async throws(RedisError) {
        let sentAt = ContinuousClock.now
        let leases = held.withLock { $0.values.flatMap { $0.map(\.lease.raw) } }
        let stillHeld = try await wire.renew(leases, leaseTimeout: leaseTimeout, workerID: workerID)
        wire.recordSuccess()
        // When some expired, which is not known here: ``confirm(_:)`` asks about each one before it counts.
        if stillHeld == leases.count { extend(leases, sentAt: sentAt) }
    }

    private func extend(_ leases: [String], sentAt: ContinuousClock.Instant) {
        let renewed = Set(leases)
        held.withLock { held in
            for key in held.keys {
                held[key] = held[key]?.map { entry in
                    var entry = entry
                    if renewed.contains(entry.lease.raw) { entry.confirmedUntil = max(entry.confirmedUntil, sentAt + leaseTimeout) }
                    return entry
                }
            }
        }
    }

    /// Renews every third of the lease time until cancelled or the worker gave
    /// up on Redis (a failure is counted, and tried again after 250 ms).
    func startRenewing() -> Task<Void, Never> {
        let interval = leaseTimeout / 3
        return Task { [weak self] in
            var wait = interval
            while !Task.isCancelled {
                try? await Task.sleep(for: wait)
                guard let self, !Task.isCancelled, self.wire.failure == nil else { return }
                do throws(RedisError) {
                    try await self.renew()
                    wait = interval
                } catch {
                    // Lost Redis: try again soon (the connection reconnects), so the leases are renewed as soon as it is back.
                    self.wire.record(error)
                    wait = min(interval, .milliseconds(250))
                }
            }
        }
    }
}
