import AsyncURL

/// A request that failed, as an errback sees it: what failed (the fetch, or
/// an HTTP status the spider asked to handle as a failure), the request, and
/// where it sat in the crawl.
///
/// Errbacks receive it after the request's last try (retries of time-outs,
/// lost connections, 429, 503 and 5xx come first): the request's own
/// ``CrawlRequest/errback``, else the spider's ``Spider/handleFailure(_:output:)``.
public struct CrawlFailure: Sendable {
    /// What failed.
    public enum Cause: Sendable {
        /// No response was had: the fetch core's error (refused, timed out, too large...).
        case fetchFailed(FetchError)
        /// The response's status is one the spider handles as a failure
        /// (``CrawlRequest/errbackStatuses``, ``Spider/errbackStatuses``).
        case status(Int)
    }

    /// What failed.
    public let cause: Cause
    /// The request that failed (its callback and errback as it was queued with).
    public let request: CrawlRequest
    /// The URL requested.
    public let url: String
    /// Links followed from a seed to reach it.
    public let depth: Int
    /// The response, when the cause is a status: its body, headers, links and selectors.
    public let response: CrawlResponse?

    /// Creates a failure.
    /// - Parameters:
    ///   - cause: what failed.
    ///   - request: the request that failed.
    ///   - url: the URL requested.
    ///   - depth: links followed from a seed to reach it.
    ///   - response: the response, when the cause is a status.
    public init(cause: Cause, request: CrawlRequest, url: String, depth: Int, response: CrawlResponse? = nil) {
        self.cause = cause
        self.request = request
        self.url = url
        self.depth = depth
        self.response = response
    }

    /// The fetch core's error, when no response was had.
    public var error: FetchError? {
        if case .fetchFailed(let error) = cause { error } else { nil }
    }

    /// The HTTP status, when the cause is a status.
    public var status: Int? {
        if case .status(let status) = cause { status } else { nil }
    }

    /// The request's meta values (see ``CrawlRequest/meta``).
    public var meta: [String: String] { request.meta }
}
