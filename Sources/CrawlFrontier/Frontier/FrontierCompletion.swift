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
    /// The claim was no longer this worker's: a shared frontier's lease that
    /// expired (its worker was cut off, or stalled, for longer than the lease)
    /// while its URL went back to the queue and on to another worker, or a
    /// completion Redis could not be told of. Nothing is recorded for it here,
    /// and nothing is to be written for it: the URL's owner writes its output.
    case claimLost
}
