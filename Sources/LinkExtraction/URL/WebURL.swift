// A parsed URL value following the WHATWG URL standard.

/// An absolute URL parsed and serialized as browsers do (WHATWG URL standard).
///
/// Parsing applies the standard's rules: tabs and newlines are removed, leading and
/// trailing spaces/C0 controls trimmed, scheme and host lowercased, backslashes treated
/// as slashes in special schemes (`http`, `https`, `ws`, `wss`, `ftp`, `file`), dot
/// segments removed, characters outside the allowed sets percent-encoded as UTF-8,
/// IPv4 hosts normalized (including hex/octal forms), IPv6 hosts compressed,
/// Unicode hosts converted to punycode (through libcurl/libidn2) and default ports dropped.
///
/// Why not libcurl's `curl_url`: measured against the standard (libcurl 7.88.1, base
/// `http://example.org/foo/bar`), it keeps backslashes as path characters
/// (`\\server\file`), encodes spaces in queries as `+`, keeps uppercase hosts and
/// default ports (`http://EXAMPLE.com:80/A`), rejects tabs/newlines inside URLs instead of
/// removing them, percent-encodes leading/trailing spaces instead of trimming them,
/// rejects `http:foo` relative to an `http:` base, and its IDN conversion depends on the
/// process locale. This parser implements the standard's rules directly instead.
///
/// Known gaps against the standard: Windows drive letters in `file:` URLs are not given
/// their special treatment, and query strings are always encoded as UTF-8 (the
/// standard uses the document's encoding for queries of special URLs in HTML).
public struct WebURL: Sendable, Hashable, CustomStringConvertible {
    /// The parts, in one immutable object: a copy of a URL is one reference
    /// (one retain), not one per string.
    private final class Parts: Sendable {
        let scheme: String
        let username: String
        let password: String
        let host: String?
        let port: Int?
        let path: String
        let query: String?
        let fragment: String?
        let hasOpaquePath: Bool
        let href: String
        /// Whether the scheme is `http` or `https`.
        let isHTTP: Bool

        init(
            scheme: String, username: String, password: String, host: String?, port: Int?,
            path: String, query: String?, fragment: String?, hasOpaquePath: Bool
        ) {
            self.scheme = scheme
            self.username = username
            self.password = password
            self.host = host
            self.port = port
            self.path = path
            self.query = query
            self.fragment = fragment
            self.hasOpaquePath = hasOpaquePath
            // The parser lowercases schemes.
            isHTTP = scheme == "http" || scheme == "https"
            href = URLSerializer.serialize(
                scheme: scheme, username: username, password: password, host: host, port: port,
                path: path, query: query, fragment: fragment, hasOpaquePath: hasOpaquePath)
        }
    }

    private let parts: Parts

    /// The scheme, lowercased, without the trailing `:`.
    public var scheme: String { parts.scheme }
    /// The username (percent-encoded), empty when absent.
    public var username: String { parts.username }
    /// The password (percent-encoded), empty when absent.
    public var password: String { parts.password }
    /// The serialized host (lowercased domain, punycode, `a.b.c.d`, or `[v6]`); nil for URLs without a host.
    public var host: String? { parts.host }
    /// The port, nil when absent or equal to the scheme's default port.
    public var port: Int? { parts.port }
    /// The serialized path (for hierarchical URLs it starts with `/`).
    public var path: String { parts.path }
    /// The query without the leading `?`, nil when absent (an empty string for a bare `?`).
    public var query: String? { parts.query }
    /// The fragment without the leading `#`, nil when absent.
    public var fragment: String? { parts.fragment }
    /// Whether the path is opaque (e.g. `mailto:x@y`, `javascript:...`).
    public var hasOpaquePath: Bool { parts.hasOpaquePath }
    /// The full serialization of the URL.
    public var href: String { parts.href }
    /// Whether the scheme is `http` or `https` (known from parsing: no string compared).
    package var hasHTTPScheme: Bool { parts.isHTTP }

    init(
        scheme: String, username: String, password: String, host: String?, port: Int?,
        path: String, query: String?, fragment: String?, hasOpaquePath: Bool
    ) {
        parts = Parts(
            scheme: scheme, username: username, password: password, host: host, port: port,
            path: path, query: query, fragment: fragment, hasOpaquePath: hasOpaquePath)
    }

    /// Two URLs are equal when their serializations are (the serialization
    /// determines every part).
    public static func == (lhs: WebURL, rhs: WebURL) -> Bool {
        lhs.parts === rhs.parts || lhs.parts.href == rhs.parts.href
    }

    /// Hashes the serialization.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(parts.href)
    }

    /// Parses `string`, resolving it against `base` when it is relative.
    ///
    /// Returns nil when the result is not a valid URL (e.g. a relative reference
    /// without a base, an invalid host or port).
    public init?(_ string: String, relativeTo base: WebURL? = nil) {
        guard let url = URLParser.parse(string, base: base) else { return nil }
        self = url
    }

    /// The serialization, same as `href`.
    public var description: String { href }

    /// Whether the scheme is one of the standard's special schemes.
    public var isSpecial: Bool { WebURL.defaultPort(forScheme: scheme) != nil || scheme == "file" }

    /// The port in effect: the explicit port or the scheme's default port.
    public var effectivePort: Int? { port ?? WebURL.defaultPort(forScheme: scheme) }

    /// `scheme://host:port` with the effective port always written out, e.g.
    /// `https://example.com:443`; nil for URLs without a host. Meant as the key for
    /// per-host politeness and connection grouping.
    public var hostKey: String? {
        guard let host else { return nil }
        if let port = effectivePort { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }

    /// This URL without its fragment.
    ///
    /// The path stays as it is: under the current standard an opaque path never ends in
    /// a space (a space before `?` or `#` is parsed as `%20`: `foo:a #x` becomes `foo:a%20`).
    public var removingFragment: WebURL {
        guard fragment != nil else { return self }
        return WebURL(
            scheme: scheme, username: username, password: password, host: host, port: port,
            path: path, query: query, fragment: nil, hasOpaquePath: hasOpaquePath)
    }

    /// The default port of a special scheme (`http` 80, `https` 443, `ws` 80, `wss` 443, `ftp` 21).
    public static func defaultPort(forScheme scheme: String) -> Int? {
        switch scheme {
        case "http", "ws": return 80
        case "https", "wss": return 443
        case "ftp": return 21
        default: return nil
        }
    }
}
