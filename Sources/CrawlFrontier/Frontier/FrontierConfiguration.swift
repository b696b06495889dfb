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
