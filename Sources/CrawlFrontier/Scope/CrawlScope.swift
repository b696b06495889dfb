import AsyncURLSupport

/// Which URLs a crawl follows, and the limits that keep traps from running away.
///
/// Defaults, which hold unless changed: the seeds' hosts only, depth at most
/// 20, URLs at most 2,048 bytes, and no path segment repeated more than 3
/// times (`/a/b/a/b/a/b/a/...` is a relative-link trap). Calendars and session
/// ids are bounded by the depth limit, the page limits and canonicalisation
/// (session-id query parameters removed) together.
public struct CrawlScope: Sendable {
    /// Which hosts are in scope.
    public enum Hosts: Sendable, Hashable {
        /// Exactly the seeds' hosts (and ports).
        case seedHosts
        /// The listed domains and their subdomains (`example.com` takes `docs.example.com`).
        case domains([String])
        /// Any host.
        case any
    }

    /// Why a URL is not followed.
    public enum Rejection: String, Sendable, Hashable, Codable {
        /// Its host is not in scope.
        case offScope
        /// It matches a deny pattern, or no allow pattern.
        case filtered
        /// It is deeper than the depth limit.
        case tooDeep
        /// It is longer than the URL length limit.
        case tooLong
        /// A path segment repeats more than the limit (a trap).
        case repeatedSegments
    }

    /// Which hosts are in scope.
    public var hosts: Hosts
    /// Only URLs matching one of these (if any are given) are followed.
    public var allowPatterns: [String]
    /// URLs matching any of these are not followed.
    public var denyPatterns: [String]
    /// The deepest depth followed (seeds are 0).
    public var maxDepth: Int
    /// The longest URL followed, in bytes.
    public var maxURLLength: Int
    /// The most times one path segment may appear in a URL's path.
    public var maxRepeatedSegments: Int

    private let allow: [CompiledPattern]
    private let deny: [CompiledPattern]

    /// A pattern that is not a valid regular expression (`invalid pattern "…": message`).
    public typealias PatternError = AsyncURLSupport.PatternError

    /// Creates a scope. Throws when a pattern is not a valid regular expression.
    public init(
        hosts: Hosts = .seedHosts,
        allowPatterns: [String] = [],
        denyPatterns: [String] = [],
        maxDepth: Int = 20,
        maxURLLength: Int = 2048,
        maxRepeatedSegments: Int = 3
    ) throws(PatternError) {
        self.hosts = hosts
        self.allowPatterns = allowPatterns
        self.denyPatterns = denyPatterns
        self.maxDepth = maxDepth
        self.maxURLLength = maxURLLength
        self.maxRepeatedSegments = max(1, maxRepeatedSegments)
        allow = try CompiledPattern.compileAll(allowPatterns)
        deny = try CompiledPattern.compileAll(denyPatterns)
    }

    /// Why `entry` is not followed from seeds on `seedHosts`, or `nil` when it is.
    public func rejection(of entry: FrontierEntry, seedHosts: Set<String>) -> Rejection? {
        if entry.url.utf8.count > maxURLLength { return .tooLong }
        if entry.depth > maxDepth { return .tooDeep }
        switch hosts {
        case .seedHosts:
            if !seedHosts.contains(entry.hostKey) { return .offScope }
        case .domains(let domains):
            guard let host = Self.host(ofKey: entry.hostKey),
                domains.contains(where: { host == $0.lowercased() || host.hasSuffix("." + $0.lowercased()) })
            else { return .offScope }
        case .any:
            break
        }
        if deny.contains(where: { $0.matches(entry.url) }) { return .filtered }
        if !allow.isEmpty, !allow.contains(where: { $0.matches(entry.url) }) { return .filtered }
        if Self.repeatsSegment(in: entry.url, moreThan: maxRepeatedSegments) { return .repeatedSegments }
        return nil
    }

    /// Where the authority of `scheme://...` begins (after `://`), without Foundation.
    static func authorityStart(_ text: String) -> String.Index? {
        let utf8 = text.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let afterColon = utf8.index(after: colon)
        guard utf8[afterColon...].starts(with: "//".utf8) else { return nil }
        return utf8.index(afterColon, offsetBy: 2)
    }

    /// The host of a `scheme://host:port` key.
    static func host(ofKey key: String) -> String? {
        guard let start = authorityStart(key) else { return nil }
        let rest = key[start...]
        if rest.hasPrefix("[") { return rest.firstIndex(of: "]").map { String(rest[...$0]) } }
        return String(rest.prefix { $0 != ":" })
    }

    /// Whether a non-empty path segment appears more than `limit` times in the URL's path.
    ///
    /// One pass over the path: each segment is counted in a table (hashing is
    /// linear in its bytes, and the standard library's hash is seeded per
    /// process), and the check stops at the first segment over the limit. So
    /// the work is linear in the URL's length, whatever its segments.
    /// A path of at most `limit` segments repeats none more often: it is
    /// told apart first, from its slashes, without copying or hashing.
    static func repeatsSegment(in url: String, moreThan limit: Int) -> Bool {
        guard pathSegmentBound(of: url) > limit else { return false }
        var counts: [ArraySlice<UInt8>: Int] = [:]
        var exceeded = false
        forEachPathSegment(of: url) { segment in
            let count = counts[segment, default: 0] + 1
            counts[segment] = count
            if count > limit { exceeded = true }
            return !exceeded
        }
        return exceeded
    }

    /// At least the number of non-empty segments of the URL's path (the
    /// segments ``forEachPathSegment(of:_:)`` gives): the slashes from the
    /// authority to any `?` or `#` (each segment follows one), or one more
    /// without an authority (the first segment then follows none).
    static func pathSegmentBound(of url: String) -> Int {
        let utf8 = url.utf8
        let authority = authorityStart(url)
        var slashes = 0
        for byte in utf8[(authority ?? utf8.startIndex)...] {
            if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            if byte == UInt8(ascii: "/") { slashes += 1 }
        }
        return authority == nil ? slashes + 1 : slashes
    }

    /// Calls `body` with each non-empty segment of the URL's path, in order, until it returns `false`.
    static func forEachPathSegment(of url: String, _ body: (ArraySlice<UInt8>) -> Bool) {
        let bytes = Array(url.utf8)
        var start = 0
        if let authority = authorityStart(url) {
            start = url.utf8.distance(from: url.utf8.startIndex, to: authority)
            while start < bytes.count, bytes[start] != UInt8(ascii: "/"), bytes[start] != UInt8(ascii: "?"),
                bytes[start] != UInt8(ascii: "#")
            {
                start += 1
            }
        }
        var segmentStart = start
        var index = start
        while true {
            let atEnd = index == bytes.count || bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "#")
            if atEnd || bytes[index] == UInt8(ascii: "/") {
                if index > segmentStart, !body(bytes[segmentStart..<index]) { return }
                if atEnd { return }
                segmentStart = index + 1
            }
            index += 1
        }
    }
}
