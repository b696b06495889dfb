/// The politeness in force for one host: the policy's, with its
/// ``HostSettings`` rule (if any) applied.
public struct HostLimits: Sendable, Hashable {
    /// Requests to the host in flight at once.
    public var maxConcurrency: Int
    /// The least time between two requests to the host.
    public var delay: Duration
    /// How AutoThrottle adapts the host's delay (`nil`: it does not).
    public var autoThrottle: AutoThrottle?

    /// Creates limits.
    /// - Parameters:
    ///   - maxConcurrency: requests in flight at once (at least 1).
    ///   - delay: the least time between two requests (at least zero).
    ///   - autoThrottle: AutoThrottle's settings, or `nil` for none.
    public init(maxConcurrency: Int, delay: Duration, autoThrottle: AutoThrottle?) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.delay = max(.zero, delay)
        self.autoThrottle = autoThrottle
    }
}

extension PolitenessPolicy {
    /// The limits for a host key (`scheme://host:port`): the policy's own,
    /// overridden by the most specific rule of ``hostSettings`` matching the host.
    /// - Parameter hostKey: the host's key, `scheme://host:port`.
    public func limits(forHost hostKey: String) -> HostLimits {
        guard let settings = hostSettings.settings(forHostKey: hostKey) else {
            return HostLimits(maxConcurrency: maxConcurrencyPerHost, delay: delay, autoThrottle: autoThrottle)
        }
        let throttle: AutoThrottle? =
            switch settings.autoThrottle {
            case nil: autoThrottle
            case true?: autoThrottle ?? AutoThrottle()
            case false?: nil
            }
        return HostLimits(
            maxConcurrency: settings.maxConcurrency ?? maxConcurrencyPerHost, delay: settings.delay ?? delay, autoThrottle: throttle)
    }
}
