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
