/// What a sitemap said of a page (`<lastmod>`, `<changefreq>`), as hints for
/// its revisit (``RecrawlSettings``): a `lastmod` newer than the last visit
/// makes the page due now; a `changefreq` bounds its interval from above,
/// within the schedule's minimum and maximum.
///
/// Read from a request's meta, where ``SitemapSpider`` puts a page's entry
/// (``SitemapSpider/lastModifiedKey``, ``SitemapSpider/changeFrequencyKey``).
/// A value that cannot be read is ignored (the page is scheduled as without it).
struct SitemapHint: Sendable, Hashable {
    /// `<lastmod>` in milliseconds since 1970 (UTC).
    var lastModifiedMilliseconds: Int64?
    /// The period `<changefreq>` names, in milliseconds (`always` 0, `never` `Int64.max`).
    var changeIntervalMilliseconds: Int64?
    /// Whether the request is for a sitemap file itself (``SitemapSpider/sitemapFileKey``):
    /// revisited on every run, so that its `lastmod` values are read afresh.
    var isSitemapFile = false
    /// Whether a value was given but could not be read.
    var hasUnreadableValue = false

    /// The hints in a request's meta; `nil` when it has none.
    init?(meta: [String: String]) {
        let lastModified = meta[SitemapSpider.lastModifiedKey]
        let changeFrequency = meta[SitemapSpider.changeFrequencyKey]
        isSitemapFile = meta[SitemapSpider.sitemapFileKey] != nil
        guard lastModified != nil || changeFrequency != nil || isSitemapFile else { return nil }
        if let lastModified {
            lastModifiedMilliseconds = W3CDateTime.milliseconds(lastModified)
            if lastModifiedMilliseconds == nil { hasUnreadableValue = true }
        }
        if let changeFrequency {
            changeIntervalMilliseconds = Self.interval(of: changeFrequency)
            if changeIntervalMilliseconds == nil { hasUnreadableValue = true }
        }
    }

    /// The period of a `<changefreq>` value (sitemaps.org), case-insensitive; `nil` for an unknown value.
    static func interval(of changeFrequency: String) -> Int64? {
        let hour: Int64 = 3_600_000
        switch changeFrequency.lowercased().filter({ $0 != " " && $0 != "\t" && $0 != "\n" && $0 != "\r" }) {
        case "always": return 0
        case "hourly": return hour
        case "daily": return 24 * hour
        case "weekly": return 7 * 24 * hour
        case "monthly": return 30 * 24 * hour
        case "yearly": return 365 * 24 * hour
        case "never": return .max
        default: return nil
        }
    }
}
