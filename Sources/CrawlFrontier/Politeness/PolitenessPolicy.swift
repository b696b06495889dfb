/// How gently the frontier treats each host, and how it retries.
public struct PolitenessPolicy: Sendable, Hashable {
    /// The most requests to one host in flight at once.
    public var maxConcurrencyPerHost: Int
    /// The least time between the starts of two requests to one host, and
    /// between the end of one and the start of the next (zero allowed).
    public var delay: Duration
    /// Adapts each host's delay to its response latency, when set.
    public var autoThrottle: AutoThrottle?
    /// How many times a URL is retried after a transient failure, 429 or 503.
    public var maxRetries: Int
    /// The first retry's wait after a transient failure; it doubles with each retry.
    public var retryBackoff: Duration
    /// The longest wait between retries.
    public var maxRetryBackoff: Duration

    /// Creates a policy: 2 requests per host at once, no delay, 3 retries
    /// with a backoff from 1 s doubling up to 5 minutes.
    public init(
        maxConcurrencyPerHost: Int = 2,
        delay: Duration = .zero,
        autoThrottle: AutoThrottle? = nil,
        maxRetries: Int = 3,
        retryBackoff: Duration = .seconds(1),
        maxRetryBackoff: Duration = .seconds(300)
    ) {
        self.maxConcurrencyPerHost = max(1, maxConcurrencyPerHost)
        self.delay = max(.zero, delay)
        self.autoThrottle = autoThrottle
        self.maxRetries = max(0, maxRetries)
        self.retryBackoff = max(.zero, retryBackoff)
        self.maxRetryBackoff = max(.zero, maxRetryBackoff)
    }

    /// The wait before retry number `attempt` (1 for the first retry).
    public func backoff(beforeRetry attempt: Int) -> Duration {
        var wait = retryBackoff
        for _ in 1..<max(1, attempt) {
            wait = wait * 2
            if wait >= maxRetryBackoff { return maxRetryBackoff }
        }
        return min(wait, maxRetryBackoff)
    }
}
