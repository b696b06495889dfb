/// One agent's robots.txt rules, compiled once: the rules that apply to the
/// agent, sorted so that the first that matches is the one RFC 9309 picks
/// (longest pattern first, `Allow` before `Disallow` of the same length).
/// A check stops at the first match, and each rule's match is linear in the
/// path's length (``RobotsPattern``); the rule count is capped when the file
/// is parsed (``RobotsTxt/defaultMaxRules``).
public struct RobotsMatcher: Sendable, Hashable {
    private let rules: [RobotsTxt.Rule]
    private let defaultAllows: Bool
    /// The `User-agent` token of the groups that apply (`*`, or `nil` for none).
    public let groupAgent: String?
    /// The agent's `Crawl-delay`, as the file gives it.
    public let crawlDelay: Duration?

    /// Compiles `file`'s rules for `userAgent`.
    public init(_ file: RobotsTxt, userAgent: String) {
        defaultAllows = file.defaultAllows
        crawlDelay = file.crawlDelay(for: userAgent)
        let group = file.applicableGroup(for: userAgent)
        groupAgent = group.agent
        rules = group.rules.enumerated().sorted { lhs, rhs in
            let (left, right) = (lhs.element, rhs.element)
            if left.pattern.priority != right.pattern.priority { return left.pattern.priority > right.pattern.priority }
            if left.isAllow != right.isAllow { return left.isAllow }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// A matcher that disallows everything but `/robots.txt`.
    public static let disallowAll = RobotsMatcher(.disallowAll, userAgent: "*")

    /// Whether the path (with query) `pathAndQuery` may be fetched.
    public func isAllowed(_ pathAndQuery: String) -> Bool {
        let raw = pathAndQuery.isEmpty ? "/" : pathAndQuery
        if raw == "/robots.txt" { return true }
        guard defaultAllows else { return false }
        guard !rules.isEmpty else { return true }
        let path = RobotsPath.normalize(Array(raw.utf8))
        for rule in rules where rule.pattern.matches(path) {
            return rule.isAllow
        }
        return true
    }

    /// Why `url` is refused: the group and the `Disallow` line that decide
    /// (`User-agent: bot, line 4: Disallow: /private`); `nil` when it is allowed.
    /// - Parameter url: an absolute URL of the host.
    public func refusal(url: String) -> String? {
        let raw = RobotsPath.pathAndQuery(ofURL: url)
        guard !isAllowed(raw) else { return nil }
        guard defaultAllows else { return "robots.txt could not be fetched: every URL of the host is disallowed" }
        let path = RobotsPath.normalize(Array((raw.isEmpty ? "/" : raw).utf8))
        guard let rule = rules.first(where: { $0.pattern.matches(path) }) else { return nil }
        return "User-agent: \(groupAgent ?? "*"), line \(rule.line): Disallow: \(rule.pattern)"
    }

    /// Whether the absolute URL `url` may be fetched.
    public func isAllowed(url: String) -> Bool {
        isAllowed(RobotsPath.pathAndQuery(ofURL: url))
    }

    /// About how many bytes the compiled rules hold (for the robots cache's bound).
    public var storageBytes: Int {
        rules.reduce(128) { $0 + $1.pattern.storageBytes }
    }

    /// The rules kept.
    package var ruleCount: Int { rules.count }
}
