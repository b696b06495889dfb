/// Hosts' compiled robots.txt rules, each kept for the robots lifetime in a
/// bounded LRU cache (at most ``FrontierConfiguration/robotsCacheSize``
/// hosts and ``FrontierConfiguration/robotsCacheBytes`` of rules): how a
/// fetched file becomes the rules a frontier obeys, written once for the
/// in-process ``Frontier`` and the shared Redis frontier.
///
/// A plain value: its owner keeps it under its own isolation.
package struct RobotsRulesCache: Sendable {
    private struct Known: Sendable {
        var matcher: RobotsMatcher
        var expires: ContinuousClock.Instant
    }

    private var cache: LRUCache<String, Known>
    private let userAgent: String
    private let lifetime: Duration

    /// An empty cache sized, and its rules compiled, as `configuration` says.
    /// - Parameter configuration: the crawl's user agent, robots lifetime and cache bounds.
    package init(configuration: FrontierConfiguration) {
        cache = LRUCache(capacity: configuration.robotsCacheSize, maxCost: configuration.robotsCacheBytes)
        userAgent = configuration.userAgent
        lifetime = configuration.robotsLifetime
    }

    /// Hosts whose rules are cached (fresh or not).
    package var count: Int { cache.count }

    /// A host's rules while they are fresh; stale rules are dropped.
    /// - Parameters:
    ///   - hostKey: `scheme://host:port`.
    ///   - now: the time to judge freshness by.
    package mutating func rules(forHost hostKey: String, now: ContinuousClock.Instant = .now) -> RobotsMatcher? {
        guard let known = cache.value(forKey: hostKey) else { return nil }
        guard known.expires > now else {
            cache.removeValue(forKey: hostKey)
            return nil
        }
        return known.matcher
    }

    /// Whether the fresh rules of the URL's host forbid it (`false` when they are not known).
    /// - Parameters:
    ///   - entry: the URL.
    ///   - now: the time to judge freshness by.
    package mutating func denies(_ entry: FrontierEntry, now: ContinuousClock.Instant = .now) -> Bool {
        guard let rules = rules(forHost: entry.hostKey, now: now) else { return false }
        return !rules.isAllowed(url: entry.url)
    }

    /// Compiles a host's file for the crawl's user agent and keeps it for the robots lifetime.
    /// - Parameters:
    ///   - file: the parsed file (see `RobotsFetchResult.robotsTxt(maxRules:)`).
    ///   - hostKey: `scheme://host:port`.
    /// - Returns: the compiled rules.
    package mutating func remember(_ file: RobotsTxt, forHost hostKey: String) -> RobotsMatcher {
        let matcher = RobotsMatcher(file, userAgent: userAgent)
        cache.setValue(Known(matcher: matcher, expires: .now + lifetime), forKey: hostKey, cost: matcher.storageBytes)
        return matcher
    }
}
