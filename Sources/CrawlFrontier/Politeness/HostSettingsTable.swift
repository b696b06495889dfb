/// Per-host settings by host pattern: which ``HostSettings`` a host gets.
///
/// A host takes the settings of its most specific matching rule: an exact
/// host name first, then the `*.domain` pattern with the longest domain.
/// Rules with the same pattern are merged, the later one's values winning.
/// A host no rule matches keeps the crawl's settings.
public struct HostSettingsTable: Sendable, Hashable {
    /// The rules, as given.
    public private(set) var rules: [HostSettingsRule]
    private var exact: [String: HostSettings] = [:]
    /// Suffix rules, most specific (longest domain) first.
    private var suffixes: [(pattern: HostPattern, settings: HostSettings)] = []

    /// Creates a table from rules (none: every host keeps the crawl's settings).
    /// - Parameter rules: the rules, in the order given (later ones win within a pattern).
    public init(_ rules: [HostSettingsRule] = []) {
        self.rules = rules
        var bySuffix: [String: HostSettings] = [:]
        for rule in rules {
            if rule.pattern.isSuffix {
                bySuffix[rule.pattern.name] = Self.merged(bySuffix[rule.pattern.name], rule.settings)
            } else {
                exact[rule.pattern.name] = Self.merged(exact[rule.pattern.name], rule.settings)
            }
        }
        suffixes = bySuffix.compactMap { name, settings in HostPattern("*." + name).map { ($0, settings) } }
            .sorted { $0.pattern.specificity > $1.pattern.specificity }
    }

    /// Whether there are no rules.
    public var isEmpty: Bool { rules.isEmpty }

    /// The settings for a host name (lower case, no port), when a rule matches it.
    /// - Parameter hostName: the host name, or an IP literal (`[::1]` with brackets).
    public func settings(forHostName hostName: some StringProtocol) -> HostSettings? {
        guard !rules.isEmpty else { return nil }
        if let settings = exact[String(hostName)] { return settings }
        return suffixes.first { $0.pattern.matches(hostName: hostName) }?.settings
    }

    /// The settings for a host key (`scheme://host:port`) or an absolute URL, when a rule matches its host.
    /// - Parameter hostKey: the host key, or an absolute URL.
    public func settings(forHostKey hostKey: String) -> HostSettings? {
        guard !rules.isEmpty else { return nil }
        return settings(forHostName: Self.hostName(of: hostKey))
    }

    /// The user agent for a host key or URL: its rule's, or `fallback`.
    /// - Parameters:
    ///   - hostKey: the host key, or an absolute URL.
    ///   - fallback: the crawl's user agent.
    public func userAgent(forHostKey hostKey: String, fallback: String) -> String {
        settings(forHostKey: hostKey)?.userAgent ?? fallback
    }

    /// The largest per-host concurrency any rule sets (`nil` without one).
    public var largestConcurrency: Int? {
        rules.compactMap(\.settings.maxConcurrency).max()
    }

    /// The host name of `scheme://host:port[/path]` in lower case (brackets kept for IPv6).
    static func hostName(of hostKey: String) -> Substring {
        var rest = Substring(hostKey)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return Substring(rest[...close].lowercased()) }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return rest.contains(where: \.isUppercase) ? Substring(rest.lowercased()) : rest
    }

    /// `later`'s values over `earlier`'s.
    private static func merged(_ earlier: HostSettings?, _ later: HostSettings) -> HostSettings {
        guard let earlier else { return later }
        return HostSettings(
            maxConcurrency: later.maxConcurrency ?? earlier.maxConcurrency, delay: later.delay ?? earlier.delay,
            autoThrottle: later.autoThrottle ?? earlier.autoThrottle, userAgent: later.userAgent ?? earlier.userAgent)
    }

    /// Tables are equal when their rules are.
    /// - Parameters:
    ///   - lhs: a table.
    ///   - rhs: another table.
    public static func == (lhs: HostSettingsTable, rhs: HostSettingsTable) -> Bool { lhs.rules == rhs.rules }

    /// Hashes the rules.
    /// - Parameter hasher: the hasher to feed.
    public func hash(into hasher: inout Hasher) { hasher.combine(rules) }
}
