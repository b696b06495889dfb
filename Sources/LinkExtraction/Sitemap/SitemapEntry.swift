/// One `<url>` of a urlset, one `<sitemap>` of a sitemap index, or one line of
/// a plain-text sitemap.
public struct SitemapEntry: Sendable, Hashable {
    /// The absolute `http`/`https` URL (`<loc>`), whitespace trimmed.
    public var location: String
    /// `<lastmod>` as written (a W3C datetime such as `2026-03-01` or `2026-03-01T10:00:00+00:00`), if any.
    public var lastModified: String?
    /// `<changefreq>` as written (`daily`, `weekly`, ...), if any.
    public var changeFrequency: String?
    /// `<priority>`, when it is a number between 0 and 1.
    public var priority: Double?
    /// The `href`s of `<xhtml:link rel="alternate">` children (absolute `http`/`https` URLs only).
    public var alternates: [String]

    /// Creates an entry.
    public init(
        location: String, lastModified: String? = nil, changeFrequency: String? = nil, priority: Double? = nil,
        alternates: [String] = []
    ) {
        self.location = location
        self.lastModified = lastModified
        self.changeFrequency = changeFrequency
        self.priority = priority
        self.alternates = alternates
    }
}
