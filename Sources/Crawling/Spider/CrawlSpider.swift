import AsyncURLSupport
import LinkExtraction

/// A spider driven by rules (Scrapy's `CrawlSpider`): each page's links are
/// offered to the rules (``makeRules()``) in order, a link goes with the first rule that
/// takes it, and the pages it leads to are parsed by that rule's callback and
/// followed further when the rule says so.
///
/// ```swift
/// final class ShopSpider: CrawlSpider, @unchecked Sendable {
///     override var startURLs: [String] { ["http://127.0.0.1:8080/"] }
///     override func makeRules() throws -> [CrawlRule] {
///         [
///             CrawlRule(try LinkExtractor(allow: ["/category/"])),
///             CrawlRule(try LinkExtractor(allow: ["/item/"]), callback: { [unowned self] page, output in
///                 try await self.parseItem(page, output: output)
///             }),
///         ]
///     }
/// }
/// ```
///
/// The rule a request came from travels in its ``CrawlRequest/meta``
/// (`asyncurl.rule`), not in a closure, so a resumed crawl (`--state`) goes
/// on with the right callbacks.
open class CrawlSpider: Spider, @unchecked Sendable {
    /// The `meta` key holding the index of the rule a request came from.
    public static let ruleKey = "asyncurl.rule"

    private let cachedRules = LockedState<[CrawlRule]?>(nil)

    /// Creates the spider.
    public override init() {
        super.init()
    }

    /// The rules, in order; called once, on first use. Throw when a rule's
    /// link extractor cannot be made (an invalid pattern): the crawl then
    /// fetches the start URLs and follows nothing, and the error is reported
    /// once per page in the stats (`spider` errors).
    open func makeRules() throws -> [CrawlRule] {
        []
    }

    /// Parses a start URL's page (nothing by default); its links are then
    /// offered to the rules.
    open func parseStartURL(_ response: CrawlResponse, output: SpiderOutput) async throws {}

    /// Runs the callback of the rule the page came through (or
    /// ``parseStartURL(_:output:)``), then offers the page's links to the rules.
    open override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
        let rules = try self.rules()
        var follows = true
        if let index = response.meta[Self.ruleKey].flatMap(Int.init), rules.indices.contains(index) {
            let rule = rules[index]
            try await rule.callback?(response, output)
            follows = rule.follow
        } else {
            try await parseStartURL(response, output: output)
        }
        guard follows, response.isHTML else { return }
        var taken = Set<String>()
        for (index, rule) in rules.enumerated() {
            var links: [Link]
            if rule.linkExtractor.restrictXPaths.isEmpty && rule.linkExtractor.restrictCSS.isEmpty {
                links = rule.linkExtractor.filter(response.links)
            } else {
                // Regions need the page's tree: extract again, from the body.
                links =
                    (try? rule.linkExtractor.extract(
                        from: response.body, url: response.url,
                        contentType: response.response.headers["Content-Type"])) ?? []
            }
            if let processLinks = rule.processLinks { links = processLinks(links) }
            for link in links where taken.insert(link.url).inserted {
                var request = CrawlRequest(url: link.url, meta: [Self.ruleKey: String(index)])
                request.resolved = link.resolvedURL
                output.follow(request)
            }
        }
    }

    private func rules() throws -> [CrawlRule] {
        if let rules = cachedRules.withLock({ $0 }) { return rules }
        let rules = try makeRules()
        cachedRules.withLock { $0 = rules }
        return rules
    }
}
