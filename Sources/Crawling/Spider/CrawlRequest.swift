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
    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data? = nil,
        priority: Int = 0,
        meta: [String: String] = [:],
        skipsDuplicateFilter: Bool = false,
        render: Bool? = nil,
        callback: Spider.Callback? = nil
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
        self.resolved = nil
    }

}
