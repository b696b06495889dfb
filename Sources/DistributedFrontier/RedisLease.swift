import CrawlFrontier

/// A URL claimed by a worker, as the claim script stores it in `leases`:
/// `HOST\nSCORE\nTOKEN\nSEQUENCE\nPAYLOAD` (see ``RedisFrontierEntryCoding``).
struct RedisLease: Sendable, Hashable {
    /// The member of `leases`, exactly as Redis holds it.
    let raw: String
    /// The URL it stands for.
    let entry: FrontierEntry

    /// Decodes a lease; `nil` when it is not something this code wrote.
    init?(_ raw: String) {
        let fields = raw.split(separator: "\n", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, let entry = RedisFrontierEntryCoding.entry(fromPayload: fields[4], hostKey: String(fields[0])) else {
            return nil
        }
        self.raw = raw
        self.entry = entry
    }

    /// The host key the lease's queue and state keys are named after.
    var hostKey: String { entry.hostKey }
}
