/// How a fetched URL ended, as far as a frontier's politeness and retries
/// care: what the crawl loop tells `URLFrontier.complete(_:outcome:)`.
public enum FetchOutcome: Sendable, Hashable {
    /// A response came back after `latency` (any status but 429 and 503).
    case success(latency: Duration)
    /// This URL asks to wait (`503` or another 5xx with `Retry-After`, or
    /// a backoff): only this URL waits; it counts as a failure of its host.
    case retryAfter(Duration)
    /// `429`: the host asks to wait (its `Retry-After`, or a backoff); the whole host pauses.
    case hostBusy(retryAfter: Duration)
    /// A time-out, a lost connection, a 5xx: worth trying again later.
    case transientFailure(latency: Duration)
    /// Will not get better by trying again.
    case permanentFailure
}
