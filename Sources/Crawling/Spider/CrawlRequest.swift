import AsyncURL
import LinkExtraction

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
    ///
    /// A closure stays in the process that made the request: a request taken
    /// by another worker of a shared crawl (or by a resumed crawl) is parsed
    /// by ``Spider/parse(_:output:)`` there, with a warning naming
    /// ``callbackName`` (once per name). Route by ``meta`` to choose the
    /// parsing in any process, as ``CrawlSpider`` does.
    public var callback: Spider.Callback?
    /// What the log calls ``callback`` when it cannot run in the process
    /// that takes the request; by default the source location of the call
    /// that made the request (`MySpider.swift:42`).
    public var callbackName: String?
    /// Handles the request's failure (see ``CrawlFailure``); `nil` uses ``Spider/handleFailure(_:output:)``.
    ///
    /// As a callback, it stays in the process that made the request: a
    /// request taken by another worker of a shared crawl (or a resumed crawl)
    /// goes to ``Spider/handleFailure(_:output:)`` there, with a warning naming
    /// ``errbackName`` (once per name).
    public var errback: Spider.Errback?
    /// What the log calls ``errback`` when it cannot run in the process that
    /// takes the request; by default the source location of the call that made the request.
    public var errbackName: String?
    /// HTTP statuses whose responses go to the errback instead of the
    /// callback; `nil` uses ``Spider/errbackStatuses``. Kept with the request
    /// in the frontier, across processes and resumes.
    public var errbackStatuses: Set<Int>?
    /// Values passed along to the response (``CrawlResponse/meta``).
    public var meta: [String: String]
    /// Whether the seen-set is bypassed (the URL is fetched even if seen).
    public var skipsDuplicateFilter: Bool
    /// Whether the page is rendered through headless Chromium (``CrawlSettings/rendering``
    /// must be set); `nil` leaves it to the crawl's rendering settings.
    public var render: Bool?
    /// The URL already parsed and resolved (for links from the extractor), to save parsing it again.
    var resolved: WebURL?

    /// Creates a request.
    /// - Parameters:
    ///   - url: absolute, or relative to the page it was found on.
    ///   - method: `GET` by default.
    ///   - headers: extra header fields.
    ///   - body: a body, for `POST` and friends.
    ///   - priority: runs first among the queued URLs of its host when higher.
    ///   - meta: values passed along to the response.
    ///   - skipsDuplicateFilter: whether the seen-set is bypassed.
    ///   - render: whether the page is rendered through headless Chromium (`nil`: the crawl's rendering settings decide).
    ///   - callback: parses the response (`nil`: the spider's `parse`).
    ///   - callbackName: what the log calls the callback (`nil`: where this call is, `fileID:line`).
    ///   - errback: handles the request's failure (`nil`: the spider's `handleFailure`).
    ///   - errbackName: what the log calls the errback (`nil`: where this call is, `fileID:line`).
    ///   - errbackStatuses: statuses sent to the errback (`nil`: the spider's).
    ///   - fileID: the calling file, for the default callback and errback names.
    ///   - line: the calling line, for the default callback and errback names.
    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data? = nil,
        priority: Int = 0,
        meta: [String: String] = [:],
        skipsDuplicateFilter: Bool = false,
        render: Bool? = nil,
        callback: Spider.Callback? = nil,
        callbackName: String? = nil,
        errback: Spider.Errback? = nil,
        errbackName: String? = nil,
        errbackStatuses: Set<Int>? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.priority = priority
        self.meta = meta
        self.skipsDuplicateFilter = skipsDuplicateFilter
        self.render = render
        self.callback = callback
        self.callbackName = callback == nil ? nil : callbackName ?? "\(fileID):\(line)"
        self.errback = errback
        self.errbackName = errback == nil ? nil : errbackName ?? "\(fileID):\(line)"
        self.errbackStatuses = errbackStatuses
        self.resolved = nil
    }

    /// A plain `GET` of a link found on a page, its URL already resolved.
    init(following link: Link) {
        self.init(url: link.url)
        resolved = link.resolvedURL
    }

}
