#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One request description for ``AsyncURLFetch``, in the style of the
/// original AsyncURL library (`session.fetch_url`, `session.fetch_method`,
/// `session.headers`).
///
/// ```swift
/// var session = AsyncURLSession()
/// session.fetchURL = "http://127.0.0.1:8080/api"
/// session.fetchMethod = .post
/// session.headers = ["Content-Type": "application/json"]
/// session.body = Data(#"{"q":1}"#.utf8)
/// fetch.queue.putNowait(session)
/// ```
public struct AsyncURLSession: Sendable {
    /// The URL to fetch.
    public var fetchURL: String
    /// The method; `GET` by default.
    public var fetchMethod: HTTPMethod
    /// Header fields to send.
    public var headers: HTTPHeaders
    /// The request body, if any.
    public var body: Data?
    /// Time limits for this request; unset ones come from the client.
    public var timeouts: Timeouts
    /// How redirects are followed.
    public var redirectPolicy: RedirectPolicy
    /// Anything the caller wants back with the result.
    public var userData: (any Sendable)?

    /// Creates a description; set the properties before queueing it.
    public init(
        fetchURL: String = "",
        fetchMethod: HTTPMethod = .get,
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data? = nil,
        timeouts: Timeouts = Timeouts(),
        redirectPolicy: RedirectPolicy = .default,
        userData: (any Sendable)? = nil
    ) {
        self.fetchURL = fetchURL
        self.fetchMethod = fetchMethod
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.redirectPolicy = redirectPolicy
        self.userData = userData
    }

    /// The fetch core's request for this description.
    public var request: Request {
        Request(
            url: fetchURL, method: fetchMethod, headers: headers, body: body, timeouts: timeouts, redirectPolicy: redirectPolicy,
            userData: userData)
    }
}
