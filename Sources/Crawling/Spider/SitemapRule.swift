/// Which callback parses the pages a sitemap lists: the first rule whose
/// regular expression matches somewhere in a page's URL wins
/// (``SitemapSpider/sitemapRules``).
public struct SitemapRule: Sendable {
    /// A regular expression (Swift `Regex` syntax), searched for anywhere in the URL; `""` matches every URL.
    public var pattern: String
    /// The callback for matching pages; `nil` uses ``Spider/parse(_:output:)``.
    public var callback: Spider.Callback?

    /// Creates a rule.
    public init(_ pattern: String, callback: Spider.Callback? = nil) {
        self.pattern = pattern
        self.callback = callback
    }
}
