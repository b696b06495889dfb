import AsyncURLSupport

/// Something a frontier tells its owner as it happens (for the crawl's log).
public enum FrontierEvent: Sendable, Hashable {
    /// Why a host was given up.
    public enum GiveUpReason: Sendable, Hashable {
        /// Its robots.txt failed this many times (`lastFailure`: the status or "unreachable").
        case robotsUnavailable(attempts: Int, lastFailure: String)
        /// At its `Crawl-delay`, its queued URLs would take longer than the per-host time budget.
        case crawlDelay(Duration, queued: Int, budget: Duration)
    }

    /// A whole host gets no requests for `remaining` (from when the event is sent).
    case hostPaused(host: String, reason: HostPause.Reason, remaining: Duration)
    /// A host was given up; `droppedURLs` of its URLs will not be fetched.
    case hostGivenUp(host: String, reason: GiveUpReason, droppedURLs: Int)
    /// A host's URLs could not be read back from the spill runs (`error`):
    /// tried again at the next refill, and after the last try its
    /// `abandonedURLs` still on disk are given up (`resumable`: they stay in
    /// the state's queue, so a resumed crawl fetches them).
    case spillReadFailed(host: String, error: String, abandonedURLs: Int, resumable: Bool)

    /// One line for a log.
    public var description: String {
        switch self {
        case .hostPaused(let host, let reason, let remaining):
            "host \(host) paused for \(remaining.inSeconds.rounded()) s (\(reason.rawValue))"
        case .hostGivenUp(let host, .robotsUnavailable(let attempts, let failure), let dropped):
            "giving up host \(host): robots.txt failed \(attempts) times (last: \(failure)); \(dropped) URLs dropped"
        case .hostGivenUp(let host, .crawlDelay(let delay, let queued, let budget), let dropped):
            "giving up host \(host): Crawl-delay \(delay.inSeconds) s for \(queued) URLs exceeds the per-host time budget of \(budget.inSeconds.rounded()) s; \(dropped) URLs dropped"
        case .spillReadFailed(let host, let error, 0, _):
            "cannot read the URLs of host \(host) back from the spill runs (\(error)); trying again"
        case .spillReadFailed(let host, let error, let abandoned, let resumable):
            "cannot read the URLs of host \(host) back from the spill runs (\(error)); giving up its \(abandoned) URLs on disk"
                + (resumable ? " (they stay in the state's queue: a resumed crawl fetches them)" : " (not fetched)")
        }
    }
}
