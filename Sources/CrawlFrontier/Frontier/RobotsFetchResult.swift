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
}

extension RobotsFetchResult {
    /// The rules this result means: the file's (an error status means what
    /// ``RobotsTxt/from(status:body:)`` says), or disallow-all when the host
    /// could not be reached. Both frontiers map results this way.
    package var robotsTxt: RobotsTxt {
        switch self {
        case .response(let status, let body): RobotsTxt.from(status: status, body: body)
        case .unreachable: .disallowAll
        }
    }

    /// `scheme://host:port/robots.txt`: what a host's robots.txt fetcher is given.
    package static func url(forHostKey hostKey: String) -> String {
        hostKey + "/robots.txt"
    }
}
