/// What a resumable crawl decided about one URL, as its state store keeps it
/// for `--explain`: the URL, the page it was found on (by fingerprint), its
/// depth, and a small reason code with a detail.
public struct URLDecision: Sendable, Hashable {
    /// Why a URL was, or was not, fetched.
    public enum Code: Int, Sendable, Hashable, CaseIterable {
        /// Accepted and waiting (or in flight) when the state was last committed.
        case queued = 0
        /// Fetched; the detail is the HTTP status.
        case fetched = 1
        /// Fetched and failed (no response); the detail is the error.
        case failed = 2
        /// Refused by the scope: host, allow/deny pattern, depth limit, URL length, or a trap rule.
        case scope = 3
        /// Refused: the page limit (in all or per host) was reached.
        case pageLimit = 4
        /// Refused: the queue bound (in all or per host) was reached.
        case queueLimit = 5
        /// Refused by robots.txt; the detail names the group and line.
        case robots = 6
        /// Dropped with its host, given up (robots.txt unreachable, `Crawl-delay` over the budget).
        case hostGivenUp = 7

        /// A stable name for JSON (`fetched`, `robots`, ...).
        public var name: String {
            switch self {
            case .queued: "queued"
            case .fetched: "fetched"
            case .failed: "failed"
            case .scope: "scope"
            case .pageLimit: "pageLimit"
            case .queueLimit: "queueLimit"
            case .robots: "robots"
            case .hostGivenUp: "hostGivenUp"
            }
        }
    }

    /// The URL's fingerprint (its canonical form's).
    public var fingerprint: UInt64
    /// The URL as offered (without userinfo).
    public var url: String
    /// The fingerprint of the page it was first found on (`nil` for a seed).
    public var referrer: UInt64?
    /// Links followed from a seed to reach it.
    public var depth: Int
    /// The decision.
    public var code: Code
    /// What decided it (a status, a rule, a limit), when known.
    public var detail: String?
    /// When it was decided, in milliseconds since 1970.
    public var time: Int64

    /// Creates a decision.
    /// - Parameters:
    ///   - fingerprint: the URL's fingerprint.
    ///   - url: the URL.
    ///   - referrer: the fingerprint of the page it was found on (`nil` for a seed).
    ///   - depth: its depth.
    ///   - code: the decision.
    ///   - detail: what decided it.
    ///   - time: when, in milliseconds since 1970.
    public init(fingerprint: UInt64, url: String, referrer: UInt64?, depth: Int, code: Code, detail: String?, time: Int64) {
        self.fingerprint = fingerprint
        self.url = url
        self.referrer = referrer
        self.depth = depth
        self.code = code
        self.detail = detail
        self.time = time
    }

    /// Milliseconds since 1970, now (a decision's ``time``).
    package static var nowMilliseconds: Int64 { URLDecisionTable.now() }

    /// Why a URL of a host whose robots.txt could not be fetched was not crawled.
    /// - Parameter hostKey: `scheme://host:port`.
    package static func robotsUnavailable(hostKey: String) -> String {
        "robots.txt of \(hostKey) could not be fetched; its URLs were not crawled"
    }

    /// Why URLs of a host given up for its time budget are not fetched.
    /// - Parameter hostKey: `scheme://host:port`.
    package static func overBudget(hostKey: String) -> String {
        "\(hostKey) was given up: its Crawl-delay would keep its URLs past the per-host time budget"
    }
}
