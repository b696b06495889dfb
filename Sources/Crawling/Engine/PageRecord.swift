import AsyncURLSupport

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
    /// Links found on the page.
    public var links: Int
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

    /// Creates a record.
    public init(url: String, finalURL: String?, status: Int?, depth: Int, referrer: String?, contentType: String?, bytes: Int, links: Int,
                elapsedMilliseconds: Int, error: String?, redirects: [String]?, linksDropped: Int? = nil, change: PageChange? = nil) {
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
        case url, status, depth, referrer, bytes, links, error, redirects, change, outlinks
        case linksDropped = "links_dropped"
        case finalURL = "final_url"
        case contentType = "content_type"
        case elapsedMilliseconds = "elapsed_ms"
    }
}
