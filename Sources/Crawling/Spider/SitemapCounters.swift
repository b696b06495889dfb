import LinkExtraction

/// What a ``SitemapSpider`` found in the sitemaps it read (``SitemapSpider/sitemapCounters``).
public struct SitemapCounters: Sendable, Hashable {
    /// robots.txt files read for `Sitemap:` lines.
    public var robotsFiles = 0
    /// Sitemap files parsed (urlsets, indexes and text sitemaps).
    public var sitemaps = 0
    /// Responses that were not sitemaps (not 2xx, or no `<urlset>`/`<sitemapindex>` root).
    public var notSitemaps = 0
    /// Page requests made from urlset and text sitemap entries (alternates included).
    public var pageRequests = 0
    /// Child sitemap requests made from sitemap indexes and robots.txt.
    public var sitemapRequests = 0
    /// Entries that ``SitemapSpider/sitemapFilter(_:kind:)`` removed.
    public var filtered = 0
    /// Page URLs no rule matched, and index children ``SitemapSpider/sitemapFollow`` did not match.
    public var unmatched = 0
    /// Patterns in ``SitemapSpider/sitemapRules`` or ``SitemapSpider/sitemapFollow`` that do not compile (never match).
    public var invalidPatterns = 0
    /// The parser's counted problems, over all sitemap files.
    public var issues: [SitemapIssue: Int] = [:]

    /// Creates zero counters.
    public init() {}
}
