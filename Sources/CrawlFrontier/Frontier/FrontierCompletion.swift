/// What a frontier did with a completed URL: the answer of
/// `URLFrontier.complete(_:outcome:)`.
public enum FrontierCompletion: Sendable, Hashable {
    /// Finished (fetched, or failed for good).
    case done
    /// Queued again; it may go out again at that time.
    case retryScheduled(at: ContinuousClock.Instant)
    /// It failed too often and was dropped.
    case gaveUp
    /// It asked to wait longer than ``PolitenessPolicy/maxRetryWait``: not retried.
    case waitTooLong(asked: Duration)
}
