import AsyncURLSupport

/// A parsed robots.txt file and the decisions it makes (RFC 9309).
///
/// - Keys are read as Google's open-source parser reads them: case-insensitive,
///   by prefix (`Disallows:` is `Disallow`), with its common misspellings of
///   `disallow` (`dissallow`, `dissalow`, `disalow`, `diasllow`, `disallaw`),
///   `useragent`/`user agent` and `site-map`; a missing colon is taken as one
///   when the line is exactly a key and a value (`Disallow /private`). An
///   `Allow` of `…/index.htm` or `…/index.html` also allows its directory (`…/`).
/// - Groups start with one or more `User-agent` lines; rules before the first
///   `User-agent` line belong to no group and are ignored. Groups naming the
///   same agent are merged.
/// - A crawler uses the groups whose agent equals its product token
///   (case-insensitive), or else the `*` groups, or else allows everything.
/// - The longest matching `Allow`/`Disallow` pattern wins; `Allow` wins ties.
///   `*` and a final `$` are wildcards; percent-encoding is normalised first.
/// - `/robots.txt` is always allowed. Only the first 500 KiB are read; a UTF-8
///   BOM, CR, LF and CRLF line ends, comments and unknown lines are tolerated.
/// - `Sitemap:` lines are collected whatever group they stand in;
///   `Crawl-delay` (not in the RFC, widely used) is kept per group.
public struct RobotsTxt: Sendable, Hashable {
    /// One rule of a group.
    public struct Rule: Sendable, Hashable {
        /// `true` for `Allow`, `false` for `Disallow`.
        public var isAllow: Bool
        /// The path pattern.
        public var pattern: RobotsPattern
        /// The rule's line in the file (1 for the first; 0 when not from a file).
        public var line = 0
    }

    /// One group: the agents it names and its rules.
    public struct Group: Sendable, Hashable {
        /// Lower-cased product tokens (`*` for the catch-all group).
        public var agents: [String]
        /// The rules in file order.
        public var rules: [Rule]
        /// The `Crawl-delay` in seconds, if the group gave a valid one.
        public var crawlDelay: Double?
    }

    /// The most bytes of a robots.txt file that are parsed (500 KiB, as RFC 9309 requires at least).
    public static let maxParsedBytes = 500 * 1024
    /// The most `Allow`/`Disallow` rules kept from one file by default (later ones are ignored and counted).
    public static let defaultMaxRules = 2_000

    /// The groups in file order.
    public let groups: [Group]
    /// The `Sitemap:` URLs, in file order.
    public let sitemaps: [String]
    /// What applies when no group matches: `true` for a parsed file (allow),
    /// `false` for ``disallowAll``.
    let defaultAllows: Bool
    /// `Allow`/`Disallow` rules past the rule cap, not kept.
    public private(set) var ignoredRules = 0

    /// A file that allows everything (robots.txt answered 4xx, or is empty).
    public static let allowAll = RobotsTxt(groups: [], sitemaps: [], defaultAllows: true)
    /// A policy that disallows everything but `/robots.txt` (robots.txt answered 5xx or was unreachable).
    public static let disallowAll = RobotsTxt(groups: [], sitemaps: [], defaultAllows: false)

    private init(groups: [Group], sitemaps: [String], defaultAllows: Bool) {
        self.groups = groups
        self.sitemaps = sitemaps
        self.defaultAllows = defaultAllows
    }

    /// The policy for a robots.txt response: 2xx parses `body`; 4xx other
    /// than 429 allows everything; 429, 5xx and anything else disallow
    /// everything until robots.txt can be fetched again. (Redirects are
    /// followed by the fetcher before this is called.)
    public static func from(status: Int, body: some Collection<UInt8>, maxRules: Int = defaultMaxRules) -> RobotsTxt {
        switch status {
        case 200..<300: RobotsTxt(parsing: body, maxRules: maxRules)
        case 429: .disallowAll
        case 400..<500: .allowAll
        default: .disallowAll
        }
    }

    /// Parses a robots.txt body (only its first ``maxParsedBytes`` bytes, and
    /// at most `maxRules` `Allow`/`Disallow` rules in all).
    public init(parsing body: some Collection<UInt8>, maxRules: Int = defaultMaxRules) {
        var ruleCount = 0
        var bytes = Array(body.prefix(Self.maxParsedBytes))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var groups: [Group] = []
        var sitemaps: [String] = []
        var current: Group?
        var lastWasAgent = false
        for (lineIndex, line) in Self.lines(bytes).enumerated() {
            guard let (rawKey, value) = Self.keyValue(line), let key = Self.directive(rawKey) else { continue }
            switch key {
            case "user-agent":
                let token = Self.productToken(value)
                if lastWasAgent, var group = current {
                    group.agents.append(token)
                    current = group
                } else {
                    if let group = current { groups.append(group) }
                    current = Group(agents: [token], rules: [], crawlDelay: nil)
                }
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                // An empty value is no rule at all ("Disallow:" allows everything).
                guard !value.isEmpty, var group = current else { continue }
                ruleCount += 1
                guard ruleCount <= maxRules else { continue }
                group.rules.append(Rule(isAllow: key == "allow", pattern: RobotsPattern(value), line: lineIndex + 1))
                if key == "allow", let directory = Self.directoryOfIndexPage(value) {
                    group.rules.append(Rule(isAllow: true, pattern: RobotsPattern(directory), line: lineIndex + 1))
                }
                current = group
            case "crawl-delay":
                lastWasAgent = false
                guard var group = current, let seconds = Double(value), seconds.isFinite, seconds >= 0 else { continue }
                group.crawlDelay = group.crawlDelay ?? seconds
                current = group
            case "sitemap":
                if !value.isEmpty { sitemaps.append(value) }
            default:
                continue
            }
        }
        if let group = current { groups.append(group) }
        self.init(groups: groups, sitemaps: sitemaps, defaultAllows: true)
        ignoredRules = max(0, ruleCount - max(0, maxRules))
    }

    /// The rules that apply to `userAgent`: those of every group naming its
    /// product token, else those of every `*` group, else none.
    public func rules(for userAgent: String) -> [Rule] {
        applicableGroup(for: userAgent).rules
    }

    /// The rules that apply to `userAgent` (see ``rules(for:)``) and the
    /// `User-agent` token of their groups (`*`, or `nil` when no group applies).
    /// - Parameter userAgent: the crawler's user agent (its product token is matched).
    public func applicableGroup(for userAgent: String) -> (agent: String?, rules: [Rule]) {
        let token = Self.productToken(userAgent)
        let named = groups.filter { $0.agents.contains(token) }
        if !named.isEmpty { return (token, named.flatMap(\.rules)) }
        let any = groups.filter { $0.agents.contains("*") }
        return (any.isEmpty ? nil : "*", any.flatMap(\.rules))
    }

    /// Whether `userAgent` may fetch the path (with query) `pathAndQuery`.
    /// (Many URLs of one host: compile the agent's rules once with ``RobotsMatcher``.)
    public func isAllowed(_ pathAndQuery: String, userAgent: String) -> Bool {
        RobotsMatcher(self, userAgent: userAgent).isAllowed(pathAndQuery)
    }

    /// Whether `userAgent` may fetch the absolute URL `url`.
    public func isAllowed(url: String, userAgent: String) -> Bool {
        isAllowed(RobotsPath.pathAndQuery(ofURL: url), userAgent: userAgent)
    }

    /// The `Crawl-delay` for `userAgent`, from the groups that apply to it.
    public func crawlDelay(for userAgent: String) -> Duration? {
        let token = Self.productToken(userAgent)
        var applicable = groups.filter { $0.agents.contains(token) }
        if applicable.isEmpty { applicable = groups.filter { $0.agents.contains("*") } }
        guard let seconds = applicable.compactMap(\.crawlDelay).first else { return nil }
        return .milliseconds(Int64(min(seconds, 86_400) * 1000))
    }

    // MARK: Parsing helpers

    /// Lines split at CR, LF or CRLF, comments removed.
    private static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines.map { line in
            if let hash = line.firstIndex(of: UInt8(ascii: "#")) { return line[line.startIndex..<hash] }
            return line
        }
    }

    /// `key` (lower-cased) and `value` (trimmed) of a `key: value` line; without a
    /// colon, of a line that is exactly two runs of non-blank text (`disallow /x`).
    private static func keyValue(_ line: ArraySlice<UInt8>) -> (String, String)? {
        let key: String
        let value: String
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            key = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmed(" \t").lowercased()
            value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmed(" \t")
        } else {
            let words = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
            guard words.count == 2 else { return nil }
            key = String(decoding: words[0], as: UTF8.self).lowercased()
            value = String(decoding: words[1], as: UTF8.self)
        }
        guard !key.isEmpty else { return nil }
        return (key, value)
    }

    /// The directive a lower-cased key stands for (`user-agent`, `allow`,
    /// `disallow`, `crawl-delay`, `sitemap`), matched by prefix with the
    /// misspellings Google's parser accepts; nil for an unknown key.
    static func directive(_ key: String) -> String? {
        spellings.first { $0.prefixes.contains(where: key.hasPrefix) }?.directive
    }

    /// Each directive with the key prefixes that stand for it.
    private static let spellings: [(directive: String, prefixes: [String])] = [
        ("user-agent", ["user-agent", "useragent", "user agent"]),
        ("allow", ["allow"]),
        ("disallow", ["disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"]),
        ("crawl-delay", ["crawl-delay", "crawldelay"]),
        ("sitemap", ["sitemap", "site-map"])
    ]

    /// For an `Allow` value naming a directory's index page (`/dir/index.html`,
    /// `/dir/index.htm`), the pattern of the directory itself (`/dir/$`).
    static func directoryOfIndexPage(_ value: String) -> String? {
        guard let slash = value.lastIndex(of: "/"), value[slash...].hasPrefix("/index.htm") else { return nil }
        return value[...slash] + "$"
    }

    /// The product token of a user-agent value, lower-cased: its leading run
    /// of letters, `-` and `_` (`AsyncURL/1.0 (+url)` gives `asyncurl`); `*` stays `*`.
    static func productToken(_ value: String) -> String {
        let trimmed = value.trimmed(" \t")
        if trimmed.hasPrefix("*") { return "*" }
        let token = trimmed.prefix { $0.isASCII && ($0.isLetter || $0 == "-" || $0 == "_") }
        return token.lowercased()
    }
}
