/// Politeness and identity for chosen hosts, overriding the crawl's own
/// (Scrapy's `DOWNLOAD_SLOTS`, Colly's `LimitRule`); `nil` keeps the crawl's value.
public struct HostSettings: Sendable, Hashable {
    /// Requests to the host in flight at once.
    public var maxConcurrency: Int?
    /// The least time between two requests to the host.
    public var delay: Duration?
    /// Whether AutoThrottle adapts the host's delay (`true` with no
    /// crawl-wide AutoThrottle uses ``AutoThrottle``'s defaults).
    public var autoThrottle: Bool?
    /// The `User-Agent` sent to the host, and matched against its robots.txt.
    public var userAgent: String?

    /// Creates settings; every value left `nil` is the crawl's.
    /// - Parameters:
    ///   - maxConcurrency: requests in flight at once (at least 1).
    ///   - delay: the least time between two requests (at least zero).
    ///   - autoThrottle: AutoThrottle on (`true`) or off (`false`).
    ///   - userAgent: the `User-Agent` for the host.
    public init(maxConcurrency: Int? = nil, delay: Duration? = nil, autoThrottle: Bool? = nil, userAgent: String? = nil) {
        self.maxConcurrency = maxConcurrency.map { max(1, $0) }
        self.delay = delay.map { max(.zero, $0) }
        self.autoThrottle = autoThrottle
        self.userAgent = userAgent
    }
}
