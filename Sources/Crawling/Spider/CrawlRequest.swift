import AsyncURL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LinkExtraction

/// A request a spider asks the crawler to make.
public struct CrawlRequest: Sendable {
    /// The URL (absolute, or relative to the page it was found on).
    public var url: String
    /// The method; `GET` by default.
    public var method: HTTPMethod
    /// Extra header fields.
    public var headers: HTTPHeaders
    /// A body, for `POST` and friends.
    public var body: Data?
    /// Runs first among the queued URLs of its host when higher.
    public var priority: Int
    /// The callback that parses the response; `nil` uses ``Spider/parse(_:output:)``.
    public var callback: Spider.Callback?
    /// Handles the request's failure (see ``CrawlFailure``); `nil` uses ``Spider/handleFailure(_:output:)``.
    public var errback: Spider.Errback?
    /// HTTP statuses whose responses go to the errback instead of the
    /// callback; `nil` uses ``Spider/errbackStatuses``. Kept with the request
    /// in the frontier, across processes and resumes.
    public var errbackStatuses: Set<Int>?
    /// Values passed along to the response (``CrawlResponse/meta``).
    public var meta: [String: String]
    /// Whether the seen-set is bypassed (the URL is fetched even if seen).
    public var skipsDuplicateFilter: Bool
    /// The URL already parsed and resolved (for links from the extractor), to save parsing it again.
    var resolved: WebURL?

    /// Creates a request.
    /// - Parameters:
    ///   - url: absolute, or relative to the page it was found on.
    ///   - method: the method.
    ///   - headers: extra header fields.
    ///   - body: a body, for `POST` and friends.
    ///   - priority: runs first among the queued URLs of its host when higher.
    ///   - meta: values passed along to the response.
    ///   - skipsDuplicateFilter: whether the URL is fetched even if seen.
    ///   - callback: parses the response (`nil`: the spider's `parse`).
    ///   - errback: handles the request's failure (`nil`: the spider's `handleFailure`).
    ///   - errbackStatuses: statuses sent to the errback (`nil`: the spider's).
    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data? = nil,
        priority: Int = 0,
        meta: [String: String] = [:],
        skipsDuplicateFilter: Bool = false,
        callback: Spider.Callback? = nil,
        errback: Spider.Errback? = nil,
        errbackStatuses: Set<Int>? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.priority = priority
        self.meta = meta
        self.skipsDuplicateFilter = skipsDuplicateFilter
        self.callback = callback
        self.errback = errback
        self.errbackStatuses = errbackStatuses
        self.resolved = nil
    }

}
