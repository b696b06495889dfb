/// How a transfer follows HTTP redirects.
///
/// AsyncURL follows redirects itself (not inside libcurl) so that each hop is
/// recorded in ``Response/redirectChain``, the method is rewritten as browsers
/// do (303 always, and 301/302 for `POST`, become `GET`), only `http` and
/// `https` targets are ever followed, and a caller can refuse a hop (for example
/// one that leaves the crawl's scope) or resolve it itself (``target``).
///
/// On a hop to another origin (scheme, host or port), every header field the
/// request added is dropped unless ``crossOriginHeaders`` lists its name
/// (`Authorization`, `Cookie`, API keys and any other field never reach another
/// origin), and a body that is still sent (307/308) is sent empty.
public struct RedirectPolicy: Sendable {
    /// The most redirects followed before the transfer fails with
    /// ``FetchError/Kind/tooManyRedirects``. Zero means redirects are not
    /// followed: the 3xx response is returned as it is.
    public var maxHops: Int

    /// Decides whether a hop from one absolute URL to the next is followed.
    /// When it answers `false`, the 3xx response is returned as the final
    /// response (its `Location` is in its headers). `nil` follows every hop.
    public var shouldFollow: (@Sendable (_ from: String, _ to: String) -> Bool)?

    /// Resolves a redirect itself: given the URL that answered and its
    /// `Location` value as the server sent it, returns the absolute URL to fetch
    /// next, or `nil` to return the 3xx response as it is. Exactly the returned
    /// string is handed to libcurl, so a check made on it (a crawl's scope) holds
    /// for what is fetched. When set, ``shouldFollow`` is not consulted.
    public var target: (@Sendable (_ from: String, _ location: String) -> String?)?

    /// The header fields (names, case-insensitive) a request keeps on a hop to
    /// another origin; every other field it added is dropped there. By default
    /// `Accept`, `Accept-Language` and `User-Agent`.
    public var crossOriginHeaders: Set<String>

    /// The fields kept across origins by default.
    public static let defaultCrossOriginHeaders: Set<String> = ["Accept", "Accept-Language", "User-Agent"]

    /// Creates a policy.
    public init(
        maxHops: Int = 10, shouldFollow: (@Sendable (_ from: String, _ to: String) -> Bool)? = nil,
        crossOriginHeaders: Set<String> = RedirectPolicy.defaultCrossOriginHeaders
    ) {
        self.maxHops = max(0, maxHops)
        self.shouldFollow = shouldFollow
        self.target = nil
        self.crossOriginHeaders = crossOriginHeaders
    }

    /// A policy that resolves each redirect with `target` (see ``target``).
    public init(
        maxHops: Int = 10, crossOriginHeaders: Set<String> = RedirectPolicy.defaultCrossOriginHeaders,
        target: @escaping @Sendable (_ from: String, _ location: String) -> String?
    ) {
        self.init(maxHops: maxHops, shouldFollow: nil, crossOriginHeaders: crossOriginHeaders)
        self.target = target
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
