/// A parsed sitemap file: its kind, its entries, and what was skipped.
public struct Sitemap: Sendable, Hashable {
    /// What a sitemap file lists.
    public enum Kind: String, Sendable, Hashable {
        /// A `<urlset>`: pages.
        case urlSet
        /// A `<sitemapindex>`: other sitemap files.
        case index
        /// A plain-text sitemap: one page URL per line.
        case text
        /// Nothing recognisable (see ``Sitemap/issues``).
        case unknown
    }

    /// The kind of file.
    public var kind: Kind
    /// The entries in document order: pages for ``Kind/urlSet`` and ``Kind/text``,
    /// sitemap files for ``Kind/index``.
    public var entries: [SitemapEntry]
    /// How often each problem occurred (absent when it never did).
    public var issues: [SitemapIssue: Int]
    /// The bytes read after gzip decoding.
    public var decodedBytes: Int
    /// Whether the body was gzip-compressed.
    public var wasCompressed: Bool

    /// Creates a result.
    public init(
        kind: Kind, entries: [SitemapEntry] = [], issues: [SitemapIssue: Int] = [:], decodedBytes: Int = 0, wasCompressed: Bool = false
    ) {
        self.kind = kind
        self.entries = entries
        self.issues = issues
        self.decodedBytes = decodedBytes
        self.wasCompressed = wasCompressed
    }

    /// How often `issue` occurred.
    public func count(of issue: SitemapIssue) -> Int {
        issues[issue] ?? 0
    }
}
