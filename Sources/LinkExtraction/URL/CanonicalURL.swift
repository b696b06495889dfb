// The canonical form of a URL for deduplication, with a stable 64-bit fingerprint.

/// A URL in canonical form for deduplication, with a stable fingerprint.
///
/// The canonical string is the WHATWG serialization (lowercase scheme and host,
/// punycode hosts, no default port, dot segments resolved) without the fragment, with
/// percent-escapes normalised (escapes of unreserved characters decoded, other escapes
/// uppercase, stray `%` encoded as `%25`), an empty query dropped, and the query
/// rewritten as `CanonicalizationOptions` say.
public struct CanonicalURL: Sendable, Hashable, CustomStringConvertible {
    /// The canonical URL string.
    public let string: String
    /// XXH64 (seed 0) of `string`'s UTF-8 bytes: stable across runs and processes.
    public let fingerprint: UInt64
    /// `scheme://host:port` with the effective port, nil for URLs without a host.
    public let hostKey: String?

    /// The canonical form of `url`.
    public init(_ url: WebURL, options: CanonicalizationOptions = .minimal) {
        if let href = Self.canonicalHref(of: url, options: options) {
            string = href
            fingerprint = XXHash64.hash(href)
            hostKey = url.hostKey
            return
        }
        // An opaque path never ends in a raw space (the parser writes one before `?`/`#` as %20),
        // so it survives re-parsing without its query.
        let path = url.hasOpaquePath ? url.path : Self.removingPathParameters(url.path, options: options)
        let output = URLSerializer.serialize(
            scheme: url.scheme, username: Self.normalized(url.username), password: Self.normalized(url.password),
            host: url.host, port: url.port, path: Self.normalized(path),
            query: url.query.flatMap { Self.canonicalQuery($0, options: options) }, fragment: nil, hasOpaquePath: url.hasOpaquePath)
        self.string = output
        self.fingerprint = XXHash64.hash(output)
        self.hostKey = url.hostKey
    }

    /// The fingerprint of `url`'s canonical form, without building its host
    /// key (or, for a URL already canonical, any string at all): what a
    /// crawl needs to know whether it saw the URL already.
    /// - Parameters:
    ///   - url: the URL.
    ///   - options: how the URL is canonicalised.
    /// - Returns: the same value as `CanonicalURL(url, options: options).fingerprint`.
    package static func fingerprint(of url: WebURL, options: CanonicalizationOptions = .minimal) -> UInt64 {
        if let href = canonicalHref(of: url, options: options) { return XXHash64.hash(href) }
        return CanonicalURL(url, options: options).fingerprint
    }

    /// Parses `string` (absolute, or relative to `base`) and returns its canonical form,
    /// or nil when it is not a valid URL.
    public init?(_ string: String, relativeTo base: WebURL? = nil, options: CanonicalizationOptions = .minimal) {
        guard let url = WebURL(string, relativeTo: base) else { return nil }
        self.init(url, options: options)
    }

    /// The canonical string.
    public var description: String { string }

    /// The URL's own serialization when it already is canonical (no `%`
    /// anywhere, no empty query, no path parameters or query the options
    /// rewrite): the common link needs no second serialization then.
    private static func canonicalHref(of url: WebURL, options: CanonicalizationOptions) -> String? {
        guard url.fragment == nil, url.query != "" else { return nil }
        if !options.removedQueryParameters.isEmpty || options.sortsQueryParameters {
            guard url.hasOpaquePath || !url.path.utf8.contains(0x3B) else { return nil }
            if let query = url.query, !isCanonicalQuery(query, options: options) { return nil }
        }
        // `%` can only be in the userinfo, path, query (and fragment, absent here).
        var href = url.href
        let hasEscape = href.withUTF8 { $0.contains(0x25) }
        return hasEscape ? nil : href
    }

    /// Whether `canonicalQuery` would give `query` back as it is: ASCII
    /// without `%`, no empty parameter, none whose name the options remove,
    /// and (when they sort) names already in order. Checked on the bytes,
    /// without building a string per parameter.
    private static func isCanonicalQuery(_ query: String, options: CanonicalizationOptions) -> Bool {
        var previousName: ArraySlice<UInt8> = []
        var bytes = Array(query.utf8)
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte != 0x25, byte < 0x80 else { return false }
            if byte >= 0x41 && byte <= 0x5A { bytes[index] = byte | 0x20 }
        }
        for piece in bytes.split(separator: 0x26, omittingEmptySubsequences: false) {
            guard !piece.isEmpty else { return false }
            let name = piece.prefix { $0 != 0x3D }
            // The name is lowercased ASCII: a short one makes a String without allocating.
            if options.removes(String(decoding: name, as: UTF8.self)) { return false }
            if options.sortsQueryParameters {
                guard !name.lexicographicallyPrecedes(previousName) else { return false }
                previousName = name
            }
        }
        return true
    }

    private static func normalized(_ component: String) -> String {
        String(decoding: PercentEncoding.normalize(component.utf8), as: UTF8.self)
    }

    /// The path without the `;name=value` parameters whose names the options
    /// remove from queries: `/shop/item;jsessionid=A1B2` becomes `/shop/item`
    /// (Java servlet containers put session ids there).
    private static func removingPathParameters(_ path: String, options: CanonicalizationOptions) -> String {
        guard !options.removedQueryParameters.isEmpty, path.utf8.contains(0x3B) else { return path }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            let pieces = segment.split(separator: ";", omittingEmptySubsequences: false)
            let kept = pieces.dropFirst().filter { parameter in
                guard let equals = parameter.firstIndex(of: "=") else { return true }
                let name = String(decoding: PercentEncoding.decode(parameter[..<equals].utf8), as: UTF8.self).lowercased()
                return !options.removes(name)
            }
            return ([pieces[0]] + kept).joined(separator: ";")
        }
        return segments.joined(separator: "/")
    }

    /// The query with normalised escapes, listed parameters removed and optionally
    /// sorted by name; nil when nothing is left.
    private static func canonicalQuery(_ query: String, options: CanonicalizationOptions) -> String? {
        let rewrites = options.sortsQueryParameters || !options.removedQueryParameters.isEmpty
        if !rewrites {
            return query.isEmpty ? nil : normalized(query)
        }
        var parameters: [(name: String, text: String)] = []
        for piece in query.utf8.split(separator: 0x26, omittingEmptySubsequences: true) {
            let text = String(decoding: PercentEncoding.normalize(piece), as: UTF8.self)
            let nameBytes = piece.prefix { $0 != 0x3D }
            let name = String(decoding: PercentEncoding.decode(nameBytes), as: UTF8.self).lowercased()
            if options.removes(name) { continue }
            parameters.append((name, text))
        }
        if options.sortsQueryParameters {
            // Stable: enumerate and break ties by original position.
            parameters = parameters.enumerated()
                .sorted { lhs, rhs in
                    lhs.element.name != rhs.element.name ? lhs.element.name < rhs.element.name : lhs.offset < rhs.offset
                }
                .map(\.element)
        }
        guard !parameters.isEmpty else { return nil }
        return parameters.map(\.text).joined(separator: "&")
    }
}
