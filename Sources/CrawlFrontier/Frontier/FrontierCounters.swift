/// A frontier's counters, for the crawl's statistics.
public struct FrontierCounters: Sendable, Hashable, Codable {
    /// URLs queued.
    public var queued = 0
    /// URLs refused because they were already seen.
    public var duplicates = 0
    /// URLs refused by scope or trap limits, by reason.
    public var rejected: [CrawlScope.Rejection: Int] = [:]
    /// URLs refused by robots.txt.
    public var robotsDenied = 0
    /// URLs not fetched because their host's robots.txt could not be fetched
    /// (the host was given up after its tries): not counted in ``robotsDenied``.
    public var robotsUnavailable = 0
    /// URLs refused by the page limits.
    public var pageLimited = 0
    /// URLs refused because the queue was full (in all or for their host).
    public var queueLimited = 0
    /// URLs that waited on disk because the queue was full (resumable crawls).
    public var spilled = 0
    /// URLs kept in memory because the spill runs could not take them (a
    /// failed write, or less free space than `SpillQueue.minimumFreeBytes`).
    public var spillWriteRefused = 0
    /// Failed reads of a host's URLs from the spill runs (each tried again, up to 3 times a host).
    public var spillReadFailures = 0
    /// URLs on disk given up after their host's last failed read (logged; kept
    /// in the state's queue of a resumable crawl).
    public var spillAbandoned = 0
    /// Retries scheduled.
    public var retries = 0
    /// URLs dropped after their last retry.
    public var gaveUp = 0
    /// robots.txt files fetched.
    public var robotsFetched = 0
    /// robots.txt fetches that failed and are tried again after a backoff.
    public var robotsRetries = 0
    /// robots.txt rules past the per-file rule cap, not kept.
    public var robotsRulesIgnored = 0

    /// Counters at zero.
    public init() {}
}
