import AsyncURLSupport
import CrawlFrontier

/// The leases this worker holds, and their renewal: every third of the lease
/// time, one script call extends them all and the worker's heartbeat.
///
/// A worker that dies (even with SIGKILL) stops renewing; once its leases
/// expire the next claim by any worker puts those URLs back in their queues.
/// Whether a lease was still held is known only from its end (the completion
/// script's answer): a URL's output is written after that answer, never on a
/// local guess of the time left.
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

    /// Keeps a lease (renewed until taken back).
    func hold(_ lease: RedisLease) {
        held.withLock { $0[lease.entry.fingerprint, default: []].append(lease) }
    }

    /// Takes back the lease of a claimed entry; `nil` when this worker holds none for it.
    func take(for entry: FrontierEntry) -> RedisLease? {
        held.withLock { held in
            guard var leases = held[entry.fingerprint], !leases.isEmpty else { return nil }
            let taken = leases.removeFirst()
            held[entry.fingerprint] = leases.isEmpty ? nil : leases
            return taken
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

    /// Extends every lease and the heartbeat now. (A lease that expired
    /// meanwhile is not extended: its end is refused, and the URL is its new owner's.)
    func renew() async throws(RedisError) {
        let leases = held.withLock { $0.values.flatMap { $0.map(\.raw) } }
        _ = try await wire.renew(leases, leaseTimeout: leaseTimeout, workerID: workerID)
        wire.recordSuccess()
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
