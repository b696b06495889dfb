/// Why, and until when, a whole host gets no requests.
public struct HostPause: Sendable, Hashable {
    /// What paused the host.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// It answered `429` (with `Retry-After`, or a backoff).
        case retryAfter = "Retry-After"
        /// Several distinct URLs of it failed within a short window.
        case failures = "failures"
        /// Its robots.txt could not be fetched; it is tried again after a backoff.
        case robots = "robots.txt"
    }

    /// When requests may go again.
    public var until: ContinuousClock.Instant
    /// What paused it.
    public var reason: Reason

    /// Creates a pause.
    public init(until: ContinuousClock.Instant, reason: Reason) {
        self.until = until
        self.reason = reason
    }
}
