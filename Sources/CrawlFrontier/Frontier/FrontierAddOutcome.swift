/// What happened to a URL offered to a frontier.
public enum FrontierAddOutcome: Sendable, Hashable {
    /// Queued (or held until its host's robots.txt is known).
    case queued
    /// Already seen.
    case duplicate
    /// Not followed: out of scope, filtered, or a trap limit.
    case rejected(CrawlScope.Rejection)
    /// Not followed: the page limit (total or per host) is reached.
    case pageLimitReached
    /// Not followed: robots.txt disallows it.
    case robotsDenied
    /// Not queued: the queue is full (in all, or for its host). It is not
    /// marked seen, so a link to it found later may still queue it.
    case queueLimitReached
}
