import LinkExtraction

/// One rule of a ``CrawlSpider``: which links of a page it takes (a
/// `LinkExtractor` with allow/deny patterns, domains,
/// extensions and XPath/CSS regions), what parses the pages they lead to,
/// and whether links are followed from those pages in turn.
public struct CrawlRule: Sendable {
    /// Picks the links.
    public var linkExtractor: LinkExtractor
    /// Parses the pages reached through this rule; `nil` only follows them.
    public var callback: Spider.Callback?
    /// Whether the rules are applied again to pages reached through this rule.
    public var follow: Bool
    /// Changes or filters the links the rule took from one page, before they are followed.
    public var processLinks: (@Sendable ([Link]) -> [Link])?

    /// Creates a rule.
    /// - Parameters:
    ///   - linkExtractor: which links of a page the rule takes.
    ///   - callback: what parses the pages of the links it takes (`nil`: none).
    ///   - follow: `nil` follows from the rule's pages when it has no callback (as Scrapy does).
    ///   - processLinks: a last say over the links the rule took (filter or rewrite them).
    public init(
        _ linkExtractor: LinkExtractor, callback: Spider.Callback? = nil, follow: Bool? = nil,
        processLinks: (@Sendable ([Link]) -> [Link])? = nil
    ) {
        self.linkExtractor = linkExtractor
        self.callback = callback
        self.follow = follow ?? (callback == nil)
        self.processLinks = processLinks
    }
}
