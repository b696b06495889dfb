import CrawlFrontier

/// How a claimed URL's lease ends: what the completion script
/// (``RedisFrontierScripts/complete``) does with it.
enum LeaseEnd: Sendable, Hashable {
    /// The counter in `stats` a finished URL is counted under.
    enum Counter: String, Sendable, Hashable {
        /// A response came back.
        case success
        /// It failed for good.
        case failed
        /// Its retries ran out.
        case gaveUp
        /// It asked to wait longer than the policy's ``PolitenessPolicy/maxRetryWait``.
        case waitTooLong
        /// robots.txt forbids it.
        case robotsDenied
        /// Its host's robots.txt could not be fetched (the host was given up).
        case robotsUnavailable
    }

    /// Finished, counted under the counter.
    case done(Counter)
    /// robots.txt forbids it: finished, and its page-limit slot given back.
    case denied
    /// Its host's robots.txt could not be fetched: finished as ``denied`` is, counted apart.
    case robotsUnavailable
    /// Queued again at once; the host waits `wait` first (a `Retry-After`).
    case retryNow(wait: Duration, retry: FrontierEntry)
    /// Queued again after `wait` (a backoff).
    case retryLater(wait: Duration, retry: FrontierEntry)
    /// Given back untouched (the worker stops): queued again as it was.
    case release

    /// The script's `kind` argument.
    var kind: String {
        switch self {
        case .done: "done"
        case .denied, .robotsUnavailable: "denied"
        case .retryNow: "retryNow"
        case .retryLater: "retryLater"
        case .release: "release"
        }
    }

    /// The script's `counter` argument (empty when nothing is counted).
    var counter: String {
        switch self {
        case .done(let counter): counter.rawValue
        case .denied: Counter.robotsDenied.rawValue
        case .robotsUnavailable: Counter.robotsUnavailable.rawValue
        case .retryNow, .retryLater, .release: ""
        }
    }

    /// How long the retry waits (zero for the others).
    var wait: Duration {
        switch self {
        case .retryNow(let wait, _), .retryLater(let wait, _): max(.zero, wait)
        case .done, .denied, .robotsUnavailable, .release: .zero
        }
    }

    /// The entry queued again, for the retries.
    var retry: FrontierEntry? {
        switch self {
        case .retryNow(_, let retry), .retryLater(_, let retry): retry
        case .done, .denied, .robotsUnavailable, .release: nil
        }
    }
}
