/// How a ``RedisFrontier`` talks to Redis and holds its claims.
public struct RedisFrontierOptions: Sendable, Hashable {
    /// How long a claimed URL stays this worker's without a renewal. Leases
    /// are renewed every third of this while the fetch runs, so only a worker
    /// that died (or hung for this long) loses them; its URLs then go back to
    /// the queue for another worker. Default 60 s.
    public var leaseTimeout: Duration
    /// The longest wait for a connection to Redis.
    public var connectTimeout: Duration
    /// The longest one `next()` waits between two looks at the shared queues
    /// when no notification arrives (a safety net; notifications usually wake it sooner).
    public var maxIdleWait: Duration
    /// How long a worker waits for another worker's robots.txt fetch before fetching it itself.
    public var robotsLockTimeout: Duration
    /// How many times one failed Redis call is tried before that call gives up
    /// (its URL is then reported as limited); unlimited by default, so that
    /// ``outageTimeout`` decides.
    public var maxAttempts: Int
    /// How long Redis may stay unreachable (every call failing, retried with
    /// a backoff from 50 ms up to 2 s, reconnecting each time) before the
    /// worker gives up: the frontier then fails, the crawl stops, and
    /// `Crawler.run()` throws (`asyncurl-crawl --redis-timeout`, exit 3). Default 60 s.
    public var outageTimeout: Duration

    /// Creates options: 60 s leases, 5 s connect time-out, 500 ms idle
    /// wait, 60 s robots.txt lock, unlimited tries per call within a 60 s outage.
    public init(
        leaseTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(5), maxIdleWait: Duration = .milliseconds(500),
        robotsLockTimeout: Duration = .seconds(60), maxAttempts: Int = .max, outageTimeout: Duration = .seconds(60)
    ) {
        self.leaseTimeout = max(.milliseconds(300), leaseTimeout)
        self.connectTimeout = max(.milliseconds(10), connectTimeout)
        self.maxIdleWait = max(.milliseconds(10), maxIdleWait)
        self.robotsLockTimeout = max(.seconds(1), robotsLockTimeout)
        self.maxAttempts = max(1, maxAttempts)
        self.outageTimeout = max(.zero, outageTimeout)
    }
}
