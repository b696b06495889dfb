/// One URL waiting in (or handed out by) the frontier.
///
/// The frontier does not parse URLs: the caller gives the canonical URL, its
/// fingerprint and its host key (`scheme://host:port`), as `CanonicalURL`
/// from LinkExtraction computes them.
public struct FrontierEntry: Sendable, Hashable {
    /// The absolute, canonical URL.
    public var url: String
    /// A 64-bit fingerprint of ``url`` (for dedup).
    public var fingerprint: UInt64
    /// `scheme://host:port`: the unit of politeness.
    public var hostKey: String
    /// Links followed from a seed to reach it (seeds are 0).
    public var depth: Int
    /// Higher runs first within a host; 0 by default.
    public var priority: Int
    /// The page it was found on.
    public var referrer: String?
    /// Tries so far that failed and were retried (0 on the first try).
    public var attempt: Int
    /// Opaque bytes the crawler attaches (a request's method, headers, body
    /// and meta); frontiers keep them with the URL and give them back as they are.
    public var payload: [UInt8]?

    /// Creates an entry.
    public init(
        url: String, fingerprint: UInt64, hostKey: String, depth: Int = 0, priority: Int = 0, referrer: String? = nil, attempt: Int = 0,
        payload: [UInt8]? = nil
    ) {
        self.url = url
        self.fingerprint = fingerprint
        self.hostKey = hostKey
        self.depth = depth
        self.priority = priority
        self.referrer = referrer
        self.attempt = attempt
        self.payload = payload
    }
}
