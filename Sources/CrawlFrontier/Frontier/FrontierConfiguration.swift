/// What every frontier is built from: the rules of one crawl.
public struct FrontierConfiguration: Sendable {
    /// The politeness and retry policy.
    public var policy: PolitenessPolicy
    /// Which URLs are followed.
    public var scope: CrawlScope
    /// The `User-Agent` whose product token robots.txt groups are matched against.
    public var userAgent: String
    /// Whether robots.txt is obeyed.
    public var obeysRobots: Bool
    /// The most URLs accepted in all (nil: no limit).
    public var maxPages: Int?
    /// The most URLs accepted per host (nil: no limit).
    public var maxPagesPerHost: Int?
    /// How long a robots.txt answer is trusted.
    public var robotsLifetime: Duration
    /// The most URLs waiting to be fetched, over all hosts (nil: no limit).
    /// Further URLs are refused and counted (``FrontierCounters/queueLimited``).
    public var maxQueued: Int?
    /// The most URLs waiting to be fetched from one host (nil: no limit).
    public var maxQueuedPerHost: Int?
    /// The most robots.txt fetches at once (8 by default): hosts beyond wait their turn.
    public var robotsFetchConcurrency = 8
    /// Tries of a host's robots.txt (time-out, 5xx, 429) before the host is
    /// given up (3 by default); meanwhile its URLs wait (RFC 9309: disallow while unreachable).
    public var robotsMaxAttempts = 3
    /// The wait before robots.txt is tried again (2 s by default); it doubles
    /// with each failure, up to the policy's ``PolitenessPolicy/maxRetryWait``.
    public var robotsRetryBackoff: Duration = .seconds(2)
    /// How many bytes of memory the frontier's queues and seen-set may use
    /// (`nil`: no budget; URLs over the queue bounds are then refused unless
    /// the frontier is given a ``SpillQueue``). With a budget, the queues hold
    /// at most half of it in memory and the rest of the URLs wait on disk in
    /// a ``SpillQueue`` (a temporary one when the frontier is given none),
    /// read back host by host in their order; a quarter goes to the seen-set's
    /// recent fingerprints, older ones go to sorted runs on disk
    /// (`SpilledFingerprintSet`).
    public var memoryBudget: Int?
    /// How many URLs of a host are read back from disk at once (64 by
    /// default): the host's in-memory head, refilled when it is half empty.
    public var queueHeadPerHost = 64
    /// The most `Allow`/`Disallow` rules kept from one robots.txt (``RobotsTxt/defaultMaxRules``).
    public var maxRobotsRules = RobotsTxt.defaultMaxRules
    /// The most hosts whose robots.txt rules are kept in memory (10,000 by
    /// default; the least recently used go first and are fetched again when needed).
    public var robotsCacheSize = 10_000
    /// The most bytes of compiled robots.txt rules kept in memory (64 MiB by default).
    public var robotsCacheBytes = 64 << 20
    /// Whether a frontier that keeps its own record of decisions (the shared
    /// Redis one) records why each URL was or was not fetched, for `--explain`
    /// (on by default).
    public var recordsDecisions = true
    /// Whether the crawl calls ``URLFrontier/recorded(_:)`` once it has
    /// written each completed URL's output (the crawler does; off by default,
    /// for code that only claims and completes). A shared frontier then keeps
    /// such a URL until told, and queues it again if its worker dies first,
    /// so no URL's output is lost with a worker.
    public var reportsRecords = false
    /// Told about pauses and given-up hosts as they happen (for the crawl's log).
    public var eventHandler: (@Sendable (FrontierEvent) -> Void)?
    /// Told a host's `Crawl-delay` as honoured (capped by the policy) when its
    /// robots.txt gives one, so requests sent outside the frontier (a rendered
    /// page's own requests) can keep the same spacing.
    public var crawlDelayHandler: (@Sendable (_ hostKey: String, _ delay: Duration) -> Void)?

    /// Creates a configuration; every value but the scope and user agent has a default.
    public init(
        policy: PolitenessPolicy = PolitenessPolicy(),
        scope: CrawlScope,
        userAgent: String,
        obeysRobots: Bool = true,
        maxPages: Int? = nil,
        maxPagesPerHost: Int? = nil,
        robotsLifetime: Duration = .seconds(86_400),
        maxQueued: Int? = nil,
        maxQueuedPerHost: Int? = nil
    ) {
        self.policy = policy
        self.scope = scope
        self.userAgent = userAgent
        self.obeysRobots = obeysRobots
        self.maxPages = maxPages
        self.maxPagesPerHost = maxPagesPerHost
        self.robotsLifetime = robotsLifetime
        self.maxQueued = maxQueued
        self.maxQueuedPerHost = maxQueuedPerHost
    }
}
