/// What fetching a host's robots.txt gave, for ``Frontier``.
///
/// The crawler fetches robots.txt with its HTTP client (following up to 5
/// redirects and reading at most 500 KiB) and reports the final status and
/// body, or that the host could not be reached.
public enum RobotsFetchResult: Sendable, Hashable {
    /// An HTTP response: its final status and body.
    case response(status: Int, body: [UInt8])
    /// No response (DNS, connection, time-out, TLS, too many redirects...).
    case unreachable
    /// No response, and why, in a few words (`connection refused`, `timed
    /// out`): reported when the host is given up. Means what ``unreachable`` means.
    case failed(reason: String)
}

extension RobotsFetchResult {
    /// The rules this result means: the file's (an error status means what
    /// ``RobotsTxt/from(status:body:maxRules:)`` says), or disallow-all when the host
    /// could not be reached. Both frontiers map results this way.
    package func robotsTxt(maxRules: Int = RobotsTxt.defaultMaxRules) -> RobotsTxt {
        switch self {
        case .response(let status, let body): RobotsTxt.from(status: status, body: body, maxRules: maxRules)
        case .unreachable, .failed: .disallowAll
        }
    }

    /// Why the fetch counts as failed, to be tried again after a backoff
    /// (unreachable, 429, 5xx), or `nil` when it gave an answer to obey.
    /// Both frontiers retry robots.txt this way.
    package var failure: String? {
        switch self {
        case .unreachable: "unreachable"
        case .failed(let reason): reason
        case .response(let status, _) where status == 429 || status >= 500: "HTTP \(status)"
        case .response: nil
        }
    }

    /// `scheme://host:port/robots.txt`: what a host's robots.txt fetcher is given.
    package static func url(forHostKey hostKey: String) -> String {
        hostKey + "/robots.txt"
    }
}
