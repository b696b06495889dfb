import AsyncURLSupport
import CrawlFrontier
import Rendering

/// The per-host accounting of a crawl's rendered pages' requests: the
/// crawl's own ``HostGate`` in this process, or, once the crawl's frontier
/// is shared by many processes (it conforms to `HostSlotSharing`), that
/// frontier's slots, which every worker's claims and subrequests share.
final class CrawlHostAccounting: HostAccounting {
    /// The gate of this process (the crawl's page fetches and robots.txt go through it too).
    let gate: HostGate
    private let shared = LockedState<(any HostSlotSharing)?>(nil)

    init(gate: HostGate) {
        self.gate = gate
    }

    /// Sends the requests through `frontier`'s slots when it shares them (before the crawl starts).
    func share(_ frontier: any URLFrontier) {
        guard let sharing = frontier as? any HostSlotSharing else { return }
        shared.withLock { $0 = sharing }
    }

    /// The shared frontier's slots, when the crawl has one.
    var sharing: (any HostSlotSharing)? { shared.withLock { $0 } }

    func enter(_ host: String, until deadline: ContinuousClock.Instant) async -> HostPass? {
        guard let sharing else { return await gate.enter(host, until: deadline) }
        return await sharing.takeHostSlot(host, until: deadline).map { HostPass(host: $0.hostKey, token: $0.token) }
    }

    func leave(_ pass: HostPass, latency: Duration?, succeeded: Bool) async {
        guard let sharing else { return await gate.leave(pass, latency: latency, succeeded: succeeded) }
        await sharing.returnHostSlot(HostSlot(hostKey: pass.host, token: pass.token), latency: latency, succeeded: succeeded)
    }
}
