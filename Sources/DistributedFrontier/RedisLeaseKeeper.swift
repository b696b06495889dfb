import AsyncURLSupport
import CrawlFrontier

/// The leases this worker holds, and their renewal: every third of the lease
/// time, one script call extends them all and the worker's heartbeat.
///
/// A worker that dies (even with SIGKILL) stops renewing; once its leases
/// expire the next claim by any worker puts those URLs back in their queues.
final class RedisLeaseKeeper: Sendable {
    private let wire: RedisFrontierWire
    private let leaseTimeout: Duration
    private let workerID: String
    private let held = LockedState<[UInt64: [RedisLease]]>([:])

    init(wire: RedisFrontierWire, leaseTimeout: Duration, workerID: String) {
        self.wire = wire
        self.leaseTimeout = leaseTimeout
        self.workerID = workerID
    }

    /// Keeps a claimed lease (renewed until taken back).
    func hold(_ lease: RedisLease) {
        held.withLock { $0[lease.entry.fingerprint, default: []].append(lease) }
    }

    /// Takes back the lease of a claimed entry; `nil` when this worker holds none for it.
    func take(for entry: FrontierEntry) -> RedisLease? {
        held.withLock { held in
            guard var leases = held[entry.fingerprint], !leases.isEmpty else { return nil }
            let lease = leases.removeFirst()
            held[entry.fingerprint] = leases.isEmpty ? nil : leases
            return lease
        }
    }

    /// Takes back every lease (the worker stops).
    func takeAll() -> [RedisLease] {
        held.withLock { held in
            let all = held.values.flatMap { $0 }
            held.removeAll()
            return all
        }
    }

    /// How many leases this worker holds.
    var count: Int {
        held.withLock { $0.values.reduce(0) { $0 + $1.count } }
    }

    /// Extends every lease and the heartbeat now.
    func renew() async throws(RedisError) {
        let leases = held.withLock { $0.values.flatMap { $0.map(\.raw) } }
        try await wire.renew(leases, leaseTimeout: leaseTimeout, workerID: workerID)
    }

    /// Renews every third of the lease time until cancelled (failures are counted, and tried again next time).
    func startRenewing() -> Task<Void, Never> {
        let interval = leaseTimeout / 3
        return Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                do throws(RedisError) {
                    try await self.renew()
                } catch {
                    self.wire.record(error)
                }
            }
        }
    }
}
