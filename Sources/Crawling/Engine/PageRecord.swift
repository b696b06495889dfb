import AsyncURL
import AsyncURLSupport
import CrawlFrontier

/// One line of the crawl log: what happened to one fetched URL.
public struct PageRecord: Sendable, Codable, Hashable {
    /// The URL requested.
    public var url: String
    /// The URL after redirects.
    public var finalURL: String?
    /// The HTTP status (absent when the fetch failed).
    public var status: Int?
    /// Links followed from a seed to reach it.
    public var depth: Int
    /// The page it was found on.
    public var referrer: String?
    /// The response's `Content-Type`.
    public var contentType: String?
    /// Decoded body bytes.
    public var bytes: Int
    /// Links found on the page; absent when it was not parsed for them
    /// (nothing would read them: see ``CrawlSettings/countsLinks``).
    public var links: Int?
    /// Time from request to response, in milliseconds.
    public var elapsedMilliseconds: Int
    /// Why the fetch failed, when it did (`kind: message`).
    public var error: String?
    /// The URLs that redirected, in order, when redirects were followed.
    public var redirects: [String]?
    /// How the page compares with its last visit (with ``CrawlSettings/recrawl``).
    public var change: PageChange?
    /// Links of the page dropped by a bound (longer than the URL length limit,
    /// as written or resolved, or over the page's link caps; a `<base href>`
    /// over the limit counts as one); absent when the fetch failed or was skipped.
    public var linksDropped: Int?
    /// The page's kept links as offered to the frontier (absolute, without
    /// fragments, once each, in the page's order), with ``CrawlSettings/recordsOutlinks``.
    public var outlinks: [String]?
    /// `true` when the page was rendered through headless Chromium (``CrawlSettings/rendering``); absent otherwise.
    public var rendered: Bool?

    /// Creates a record.
    public init(
        url: String, finalURL: String?, status: Int?, depth: Int, referrer: String?, contentType: String?, bytes: Int, links: Int?,
        elapsedMilliseconds: Int, error: String?, redirects: [String]?, linksDropped: Int? = nil, change: PageChange? = nil
    ) {
        self.url = url
        self.finalURL = finalURL
        self.status = status
        self.depth = depth
        self.referrer = referrer
        self.contentType = contentType
        self.bytes = bytes
        self.links = links
        self.elapsedMilliseconds = elapsedMilliseconds
        self.error = error
        self.redirects = redirects
        self.linksDropped = linksDropped
        self.change = change
    }

    /// The record of a URL that got no response: its fetch failed, or a
    /// middleware skipped it before it was sent.
    /// - Parameters:
    ///   - entry: the URL as the frontier gave it out.
    ///   - error: why (`kind: message`).
    ///   - elapsed: the time from request to failure (zero when never sent).
    init(entry: FrontierEntry, error: String, elapsed: Duration = .zero) {
        self.init(
            url: entry.url, finalURL: nil, status: nil, depth: entry.depth, referrer: entry.referrer, contentType: nil, bytes: 0, links: 0,
            elapsedMilliseconds: Int(elapsed.flooredMilliseconds), error: error, redirects: nil)
    }

    /// The record of a response a middleware dropped: no links, no redirect chain.
    /// - Parameters:
    ///   - entry: the URL as the frontier gave it out.
    ///   - response: the response dropped.
    ///   - reason: the middleware's reason.
    ///   - elapsed: the time from request to response.
    init(entry: FrontierEntry, dropped response: Response, reason: String, elapsed: Duration) {
        self.init(
            url: entry.url, finalURL: response.finalURL, status: response.status, depth: entry.depth, referrer: entry.referrer,
            contentType: response.headers["Content-Type"], bytes: response.decodedBodyBytes, links: 0,
            elapsedMilliseconds: Int(elapsed.flooredMilliseconds), error: "dropped: \(reason)", redirects: nil)
    }

    /// The record of a response the crawl handled.
    /// - Parameters:
    ///   - entry: the URL as the frontier gave it out.
    ///   - response: the response.
    ///   - elapsed: the time from request to response.
    ///   - links: links found on the page (`nil`: not parsed for them).
    ///   - linksDropped: links of the page dropped by a bound.
    ///   - error: why a response is final although it asked for a retry, if it did.
    ///   - change: how the page compares with its last visit, on a recrawl.
    init(entry: FrontierEntry, response: Response, elapsed: Duration, links: Int?, linksDropped: Int?, error: String?, change: PageChange?)
    {
        self.init(
            url: entry.url, finalURL: response.finalURL, status: response.status, depth: entry.depth, referrer: entry.referrer,
            contentType: response.headers["Content-Type"], bytes: response.decodedBodyBytes, links: links,
            elapsedMilliseconds: Int(elapsed.flooredMilliseconds), error: error,
            redirects: response.redirectChain.isEmpty ? nil : response.redirectChain.map(\.url), linksDropped: linksDropped, change: change)
    }

    /// The record as it is written out: the server's text (`Content-Type`,
    /// error messages) without control characters, URLs without credentials.
    var forOutput: PageRecord {
        var record = self
        record.url = url.removingURLCredentials()
        record.finalURL = finalURL?.removingURLCredentials()
        record.referrer = referrer?.removingURLCredentials()
        record.contentType = contentType?.removingControlCharacters()
        record.error = error?.removingControlCharacters().removingURLCredentials()
        record.redirects = redirects?.map { $0.removingURLCredentials() }
        record.outlinks = outlinks?.map { $0.removingURLCredentials() }
        return record
    }

    enum CodingKeys: String, CodingKey {
        case url, status, depth, referrer, bytes, links, error, redirects, change, outlinks, rendered
        case linksDropped = "links_dropped"
        case finalURL = "final_url"
        case contentType = "content_type"
        case elapsedMilliseconds = "elapsed_ms"
    }
}
