/// How gently the frontier treats each host, and how it retries.
///
/// Waits are per URL unless the host itself signals trouble: a `503` (or
/// another 5xx) with `Retry-After` delays that URL only, while `429`, a
/// failing robots.txt, or failures on ``hostFailureThreshold`` distinct URLs
/// of one host within ``hostFailureWindow`` pause the whole host. No wait is
/// longer than ``maxRetryWait``: a URL asking for more is not retried.
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
    /// The longest wait honoured (`Retry-After`, backoff, host pause): a URL
    /// asking for more is not retried but recorded as failed with the wait it asked for.
    public var maxRetryWait: Duration
    /// The longest robots.txt `Crawl-delay` honoured; longer ones are cut to it.
    public var maxCrawlDelay: Duration
    /// How long one host may take at its `Crawl-delay` for the URLs it has
    /// queued; a host over this is given up (`nil`: no budget).
    public var hostTimeBudget: Duration?
    /// Failures on this many distinct URLs of one host within
    /// ``hostFailureWindow`` pause the whole host.
    public var hostFailureThreshold: Int
    /// The window in which failures of distinct URLs are counted.
    public var hostFailureWindow: Duration
    /// Concurrency, delay and AutoThrottle for chosen hosts, over the values
    /// above (see ``limits(forHost:)``); empty by default.
    public var hostSettings = HostSettingsTable()

    /// Creates a policy: 2 requests per host at once, no delay, 3 retries
    /// with a backoff from 1 s doubling up to 5 minutes; waits capped at
    /// 60 s, `Crawl-delay` at 30 s, one hour per host at its `Crawl-delay`;
    /// a host pauses after failures on 5 distinct URLs within 30 s.
    public init(
        maxConcurrencyPerHost: Int = 2,
        delay: Duration = .zero,
        autoThrottle: AutoThrottle? = nil,
        maxRetries: Int = 3,
        retryBackoff: Duration = .seconds(1),
        maxRetryBackoff: Duration = .seconds(300),
        maxRetryWait: Duration = .seconds(60),
        maxCrawlDelay: Duration = .seconds(30),
        hostTimeBudget: Duration? = .seconds(3600),
        hostFailureThreshold: Int = 5,
        hostFailureWindow: Duration = .seconds(30)
    ) {
        self.maxConcurrencyPerHost = max(1, maxConcurrencyPerHost)
        self.delay = max(.zero, delay)
        self.autoThrottle = autoThrottle
        self.maxRetries = max(0, maxRetries)
        self.retryBackoff = max(.zero, retryBackoff)
        self.maxRetryBackoff = max(.zero, maxRetryBackoff)
        self.maxRetryWait = max(.zero, maxRetryWait)
        self.maxCrawlDelay = max(.zero, maxCrawlDelay)
        self.hostTimeBudget = hostTimeBudget.map { max(.zero, $0) }
        self.hostFailureThreshold = max(1, hostFailureThreshold)
        self.hostFailureWindow = max(.zero, hostFailureWindow)
    }

    /// The wait before retry number `attempt` (1 for the first retry), at most ``maxRetryWait``.
    public func backoff(beforeRetry attempt: Int) -> Duration {
        var wait = retryBackoff
        let cap = min(maxRetryBackoff, maxRetryWait)
        for _ in 1..<max(1, attempt) {
            wait = wait * 2
            if wait >= cap { return cap }
        }
        return min(wait, cap)
    }

    /// A robots.txt `Crawl-delay` as honoured: at most ``maxCrawlDelay``.
    public func cappedCrawlDelay(_ delay: Duration) -> Duration {
        min(max(.zero, delay), maxCrawlDelay)
    }

    /// Whether `queued` URLs at `crawlDelay` apart would take one host longer
    /// than ``hostTimeBudget`` (only a `Crawl-delay` longer than ``delay`` counts:
    /// the policy's own delay is the caller's choice).
    public func exceedsHostBudget(queued: Int, crawlDelay: Duration) -> Bool {
        guard let hostTimeBudget, crawlDelay > delay, queued > 0 else { return false }
        return crawlDelay * queued > hostTimeBudget
    }
}
