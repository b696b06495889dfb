/// How a transfer follows HTTP redirects.
///
/// AsyncURL follows redirects itself (not inside libcurl) so that each hop is
/// recorded in ``Response/redirectChain``, the method is rewritten as browsers
/// do (303 always, and 301/302 for `POST`, become `GET`), credentials are not
/// sent to another host, only `http` and `https` targets are ever followed, and
/// a caller can refuse a hop (for example one that leaves the crawl's scope).
public struct RedirectPolicy: Sendable {
    /// The most redirects followed before the transfer fails with
    /// ``FetchError/Kind/tooManyRedirects``. Zero means redirects are not
    /// followed: the 3xx response is returned as it is.
    public var maxHops: Int

    /// Decides whether a hop from one absolute URL to the next is followed.
    /// When it answers `false`, the 3xx response is returned as the final
    /// response (its `Location` is in its headers). `nil` follows every hop.
    public var shouldFollow: (@Sendable (_ from: String, _ to: String) -> Bool)?

    /// Creates a policy.
    public init(maxHops: Int = 10, shouldFollow: (@Sendable (_ from: String, _ to: String) -> Bool)? = nil) {
        self.maxHops = max(0, maxHops)
        self.shouldFollow = shouldFollow
    }

    /// Follows up to 10 redirects: the default.
    public static let `default` = RedirectPolicy(maxHops: 10)

    /// Never follows a redirect: a 3xx response is returned as it is.
    public static let never = RedirectPolicy(maxHops: 0)

    /// Follows up to `maxHops` redirects.
    public static func follow(maxHops: Int) -> RedirectPolicy {
        RedirectPolicy(maxHops: maxHops)
    }
}

/// One followed redirect: the URL that answered with a 3xx status and where it pointed.
public struct RedirectHop: Sendable, Hashable {
    /// The URL that was requested.
    public var url: String
    /// The 3xx status it answered with.
    public var status: Int
    /// The absolute URL it redirected to.
    public var location: String

    /// Creates a hop record.
    public init(url: String, status: Int, location: String) {
        self.url = url
        self.status = status
        self.location = location
    }
}
