/// Adapts a host's delay to how fast it answers, as Scrapy's AutoThrottle does.
///
/// The delay that would keep ``targetConcurrency`` requests in flight is
/// `latency / targetConcurrency`. After each response the delay moves half
/// way towards that, never below it, within ``minimumDelay`` and
/// ``maximumDelay``. A failed or non-success response may raise the delay
/// but never lowers it, so errors cannot speed a crawl up.
public struct AutoThrottle: Sendable, Hashable {
    /// How many requests per host should be in flight on average.
    public var targetConcurrency: Double
    /// The delay a host starts with.
    public var startDelay: Duration
    /// The least delay.
    public var minimumDelay: Duration
    /// The most delay.
    public var maximumDelay: Duration

    /// Creates the settings (Scrapy's defaults: 1 in flight, 5 s start, 60 s at most).
    public init(
        targetConcurrency: Double = 1, startDelay: Duration = .seconds(5), minimumDelay: Duration = .zero,
        maximumDelay: Duration = .seconds(60)
    ) {
        self.targetConcurrency = max(0.01, targetConcurrency)
        self.startDelay = startDelay
        self.minimumDelay = minimumDelay
        self.maximumDelay = max(minimumDelay, maximumDelay)
    }

    /// The next delay after a response that took `latency`.
    public func adjusted(_ current: Duration, latency: Duration, succeeded: Bool) -> Duration {
        let target = latency / targetConcurrency
        var next = max(target, (current + target) / 2)
        next = min(max(next, minimumDelay), maximumDelay)
        if !succeeded, next < current { return current }
        return next
    }
}
