#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A description of one HTTP request: what to fetch and how.
///
/// Requests are plain values: build one, hand it to ``FetchClient/fetch(_:)-(Request)``
/// (or put it on an ``AsyncURLFetch`` queue), and get a ``Response`` back.
public struct Request: Sendable {
    /// The absolute `http` or `https` URL to fetch.
    public var url: String
    /// The request method; `GET` by default.
    public var method: HTTPMethod
    /// Header fields sent with the request, in addition to the client's
    /// `User-Agent` and `Accept-Encoding` (a field given here replaces those).
    public var headers: HTTPHeaders
    /// The request body, sent with any method when not `nil`.
    public var body: Data?
    /// Time limits; unset ones come from the client's configuration.
    public var timeouts: Timeouts
    /// How redirects are followed.
    public var redirectPolicy: RedirectPolicy
    /// The largest decoded body accepted, in bytes; `nil` uses the client's
    /// limit. A larger body fails the transfer with ``FetchError/Kind/bodyTooLarge``,
    /// unless ``truncatesBody`` is set.
    public var maxBodySize: Int?
    /// Whether a body over ``maxBodySize`` is cut at the limit and the
    /// response delivered (reading stops there) instead of failing: for
    /// files whose first bytes are all that is used (robots.txt). Off by default.
    public var truncatesBody: Bool
    /// A receiver for the body as it arrives, for example a streaming HTML
    /// parser. When set, the body is also kept in ``Response/body`` unless
    /// ``keepsBody`` is `false`.
    public var bodyConsumer: (any ResponseBodyConsumer)?
    /// Whether the body is collected into ``Response/body``. Turn it off when
    /// a ``bodyConsumer`` does all the work, to save memory.
    public var keepsBody: Bool
    /// Whether the response records each hop's request and response heads as
    /// they crossed the wire (``Response/capturedHops``), for archiving. Off by default.
    public var capturesExchange: Bool
    /// Any value the caller wants back with the response (an identifier, a
    /// crawl depth, a callback key...). AsyncURL does not look at it.
    public var userData: (any Sendable)?
    /// A proxy for this request (`http://host:port`, `socks5h://host:port`,
    /// credentials allowed as `scheme://user:password@host:port`); `nil` for a direct
    /// connection (the `http_proxy` environment variables are not read).
    public var proxy: String?

    /// Creates a request.
    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data? = nil,
        timeouts: Timeouts = Timeouts(),
        redirectPolicy: RedirectPolicy = .default,
        maxBodySize: Int? = nil,
        userData: (any Sendable)? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.redirectPolicy = redirectPolicy
        self.maxBodySize = maxBodySize
        self.bodyConsumer = nil
        self.keepsBody = true
        self.truncatesBody = false
        self.capturesExchange = false
        self.userData = userData
        self.proxy = nil
    }

    /// Creates a `GET` request for a Foundation `URL`.
    public init(url: URL, method: HTTPMethod = .get) {
        self.init(url: url.absoluteString, method: method)
    }
}

/// Receives a response body chunk by chunk while it is being downloaded.
///
/// The fetch core calls these methods on its own event-loop thread, in order,
/// for one transfer at a time: keep the work short (a push parser's
/// `feed` is fine, blocking I/O is not). When a redirect is followed the
/// consumer is told with ``responseStarted(url:status:headers:)`` again for the
/// next hop; only the final hop's body is delivered.
public protocol ResponseBodyConsumer: AnyObject, Sendable {
    /// Called when the final response's header block has arrived, before its body.
    func responseStarted(url: String, status: Int, headers: HTTPHeaders)
    /// Called with each decoded chunk of the body. The bytes are valid only during the call.
    func consume(_ chunk: UnsafeRawBufferPointer)
    /// Whether the final response's body is also collected into ``Response/body``
    /// (when ``Request/keepsBody`` allows it). Read once, right after
    /// ``responseStarted(url:status:headers:)``, so the answer may depend on the
    /// headers: a consumer that stores a large download itself answers `false`.
    /// `true` unless the consumer says otherwise.
    var keepsBodyInResponse: Bool { get }
}

extension ResponseBodyConsumer {
    /// The body is kept in ``Response/body`` (as ``Request/keepsBody`` says).
    public var keepsBodyInResponse: Bool { true }
}
