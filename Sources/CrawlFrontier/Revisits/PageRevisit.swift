/// What a recrawl needs to know about a page done in an earlier run: its
/// validators, a digest of its body, the links it led to (so a `304 Not
/// Modified` needs no parse), the keys of its items, and when to visit it again.
///
/// Kept by a ``CrawlStateStore`` (table `revisits`), one row per page, keyed by
/// the URL's fingerprint. URLs (the page's and its links') are stored without
/// their userinfo, as the rest of the store keeps them.
public struct PageRevisit: Sendable, Hashable {
    /// A request the page led to, as it is offered to the frontier again.
    public struct Link: Sendable, Hashable {
        /// The URL (without userinfo once stored).
        public var url: String
        /// The request's priority.
        public var priority: Int
        /// What the request carries beyond its URL (see ``FrontierEntry/payload``).
        public var payload: [UInt8]?
        /// The URL's fingerprint and host key as the run that found it computed
        /// them (so offering it again needs no URL parsing); `nil`: compute them.
        public var identity: (fingerprint: UInt64, hostKey: String)? {
            get { hostKey.isEmpty ? nil : (fingerprint, hostKey) }
            set {
                fingerprint = newValue?.fingerprint ?? 0
                hostKey = newValue?.hostKey ?? ""
            }
        }
        private var fingerprint: UInt64 = 0
        private var hostKey = ""

        /// Creates a link.
        public init(url: String, priority: Int = 0, payload: [UInt8]? = nil, identity: (fingerprint: UInt64, hostKey: String)? = nil) {
            self.url = url
            self.priority = priority
            self.payload = payload
            self.identity = identity
        }
    }

    /// A keyed item the page produced, with a digest of its encoded form.
    public struct ItemDigest: Sendable, Hashable {
        /// The item's key.
        public var key: String
        /// A digest of the item's encoded form (SHA-1, 20 bytes).
        public var digest: [UInt8]

        /// Creates an item digest.
        public init(key: String, digest: [UInt8]) {
            self.key = key
            self.digest = digest
        }
    }

    /// The URL's fingerprint.
    public var fingerprint: UInt64
    /// The URL the response came from (after redirects), without userinfo once stored.
    public var url: String
    /// The HTTP status of the last full response (not a 304).
    public var status: Int
    /// The `ETag` it sent, if any.
    public var etag: String?
    /// The `Last-Modified` it sent, if any.
    public var lastModified: String?
    /// The SHA-1 digest of its body (20 bytes).
    public var digest: [UInt8]
    /// Its link depth.
    public var depth: Int
    /// When it was last fetched, in milliseconds since 1970 (UTC).
    public var lastVisitMilliseconds: Int64
    /// How long after ``lastVisitMilliseconds`` it is due again, in milliseconds.
    public var intervalMilliseconds: Int64
    /// The requests it led to.
    public var links: [Link]
    /// Its keyed items.
    public var items: [ItemDigest]
    /// Whether the stored ``links`` and ``items`` stay as they are when this
    /// record is written (a page a recrawl found unchanged and did not parse
    /// again): only the other fields are written, and ``links`` and ``items``
    /// may be left empty, so records waiting for a commit hold no links.
    /// `false` for a new record.
    public var keepsStoredLinks = false

    /// Creates a record.
    public init(
        fingerprint: UInt64, url: String, status: Int, etag: String?, lastModified: String?, digest: [UInt8], depth: Int,
        lastVisitMilliseconds: Int64, intervalMilliseconds: Int64, links: [Link], items: [ItemDigest]
    ) {
        self.fingerprint = fingerprint
        self.url = url
        self.status = status
        self.etag = etag
        self.lastModified = lastModified
        self.digest = digest
        self.depth = depth
        self.lastVisitMilliseconds = lastVisitMilliseconds
        self.intervalMilliseconds = intervalMilliseconds
        self.links = links
        self.items = items
    }

    /// When the page is due again, in milliseconds since 1970.
    public var dueMilliseconds: Int64 {
        lastVisitMilliseconds.addingReportingOverflow(intervalMilliseconds).overflow ? .max : lastVisitMilliseconds + intervalMilliseconds
    }
}
