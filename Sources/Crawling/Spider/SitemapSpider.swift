import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import LinkExtraction

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A spider that finds its pages in sitemaps, like Scrapy's `SitemapSpider`.
///
/// Give it sitemap URLs, or robots.txt URLs whose `Sitemap:` lines name them,
/// and rules that map page URLs to callbacks:
///
/// ```swift
/// final class ProductSpider: SitemapSpider, @unchecked Sendable {
///     override var sitemapURLs: [String] { ["http://127.0.0.1:8080/robots.txt"] }
///     override var sitemapRules: [SitemapRule] { [SitemapRule("/product/", callback: parseProduct), SitemapRule("")] }
///     override var sitemapFollow: [String] { ["/sitemap-products"] }
///     let parseProduct: Spider.Callback = { response, output in ... }
/// }
/// ```
///
/// - Sitemap files may be sitemap indexes, urlsets, gzip-compressed, or plain
///   text (see `SitemapParser`); each file is bounded by
///   ``sitemapLimits``. A URL whose path is `/robots.txt` is read for its
///   `Sitemap:` lines, which are always followed.
/// - An index's child sitemaps are followed when they match one of
///   ``sitemapFollow``; a page goes to the callback of the first of
///   ``sitemapRules`` that matches its URL (none: it is not requested).
///   ``sitemapFilter(_:kind:)`` sees every file's entries first.
/// - Page requests carry the entry's fields in their meta
///   (``lastModifiedKey``, ``changeFrequencyKey``, ``priorityKey``, ``sitemapKey``).
/// - Sitemaps and pages are requests like any other: the frontier applies
///   robots.txt, the crawl's scope (by default the start URLs' hosts: a sitemap
///   on another host needs ``Spider/allowedDomains``), dedup and the page limits,
///   and every sitemap file fetched counts as a page.
/// - Depth: each sitemap level is one hop (robots.txt 0, index 1, urlset 2,
///   its pages 3). So that ``CrawlSettings/maxDepth`` keeps meaning the link
///   hops from a page found in a sitemap, ``customize(_:)`` adds
///   ``sitemapLevels`` (3) to it: with `maxDepth = 0` the pages of
///   robots.txt → index → urlset are fetched and no link beyond them. Deeper
///   nesting (an index listing indexes) needs a larger ``sitemapLevels``.
/// - ``parse(_:output:)`` does nothing here (pages' links are not followed):
///   override it, or give rules their own callbacks.
///
/// Subclasses that override ``customize(_:)`` call `super`. The patterns are
/// compiled once, on first use; one that does not compile never matches and is
/// counted in ``sitemapCounters``.
open class SitemapSpider: Spider, @unchecked Sendable {
    /// The meta key of a page's `<lastmod>`.
    public static let lastModifiedKey = "sitemap_lastmod"
    /// The meta key of a page's `<changefreq>`.
    public static let changeFrequencyKey = "sitemap_changefreq"
    /// The meta key of a page's `<priority>`.
    public static let priorityKey = "sitemap_priority"
    /// The meta key of the URL of the sitemap that listed the page.
    public static let sitemapKey = "sitemap"
    /// The meta key that marks a request for a sitemap file (or robots.txt)
    /// itself: a recrawl revisits it on every run, due or not, since the
    /// `<lastmod>` values it lists decide which pages are due.
    public static let sitemapFileKey = "sitemap_file"

    /// A compiled pattern: `""` matches everything.
    private enum Pattern {
        case everything
        case expression(CompiledPattern)
        case invalid

        func matches(_ url: String) -> Bool {
            switch self {
            case .everything: true
            case .expression(let expression): expression.matches(url)
            case .invalid: false
            }
        }
    }

    private struct CompiledRule {
        let pattern: Pattern
        /// The rule's pattern as written, to name its callback in the log.
        let source: String
        let callback: Spider.Callback?
    }

    private struct Compiled {
        let rules: [CompiledRule]
        let follow: [Pattern]
    }

    private let compiled = LockedState<Compiled?>(nil)
    private let counters = LockedState(SitemapCounters())

    /// Creates the spider.
    public override init() {
        super.init()
    }

    /// `sitemap`.
    open override var name: String { "sitemap" }

    /// The sitemap files, or robots.txt files, the crawl starts from.
    open var sitemapURLs: [String] { [] }

    /// Which callback parses which page: the first rule matching a page's URL wins.
    /// By default every page goes to ``Spider/parse(_:output:)``.
    open var sitemapRules: [SitemapRule] { [SitemapRule("")] }

    /// Patterns (searched anywhere in the URL) an index's child sitemap must match
    /// to be followed; empty follows all of them.
    open var sitemapFollow: [String] { [] }

    /// Whether the alternate-language links of a `<url>` (`<xhtml:link rel="alternate">`) are requested too.
    open var sitemapAlternateLinks: Bool { false }

    /// The bounds on each sitemap file.
    open var sitemapLimits: SitemapParser.Limits { SitemapParser.Limits() }

    /// Sitemap levels added to ``CrawlSettings/maxDepth`` by ``customize(_:)``.
    open var sitemapLevels: Int { 3 }

    /// Chooses the entries of a sitemap file that are used (by default all):
    /// override to drop pages by `lastModified`, for example. `kind` says whether
    /// the entries are pages (`Sitemap.Kind.urlSet`,
    /// `Sitemap.Kind.text`) or child sitemaps (`Sitemap.Kind.index`).
    open func sitemapFilter(_ entries: [SitemapEntry], kind: Sitemap.Kind) -> [SitemapEntry] {
        entries
    }

    /// Adds ``sitemapLevels`` to ``CrawlSettings/maxDepth``.
    open override func customize(_ settings: inout CrawlSettings) {
        let levels = max(0, sitemapLevels)
        settings.maxDepth = settings.maxDepth > Int.max - levels ? Int.max : settings.maxDepth + levels
    }

    /// One request per sitemap URL, parsed by ``parseSitemap(_:output:)``.
    open override func startRequests() -> [CrawlRequest] {
        sitemapURLs.map(sitemapRequest)
    }

    /// Does nothing: pages found in sitemaps are not followed further unless a subclass says so.
    open override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {}

    /// What the sitemaps read so far gave.
    public var sitemapCounters: SitemapCounters {
        counters.withLock { $0 }
    }

    /// Reads a robots.txt or sitemap response and asks for the child sitemaps and pages it lists.
    open func parseSitemap(_ response: CrawlResponse, output: SpiderOutput) async throws {
        guard (200..<300).contains(response.status) else {
            counters.withLock { $0.notSitemaps += 1 }
            return
        }
        if WebURL(response.url)?.path == "/robots.txt" {
            let robots = RobotsTxt(parsing: response.body)
            counters.withLock {
                $0.robotsFiles += 1
                $0.sitemapRequests += robots.sitemaps.count
            }
            for url in robots.sitemaps {
                output.follow(sitemapRequest(url))
            }
            return
        }
        let sitemap = SitemapParser(limits: sitemapLimits).parse(response.body)
        let entries = sitemapFilter(sitemap.entries, kind: sitemap.kind)
        let patterns = compiledPatterns()
        var found = SitemapCounters()
        switch sitemap.kind {
        case .index:
            for entry in entries {
                guard patterns.follow.isEmpty || patterns.follow.contains(where: { $0.matches(entry.location) }) else {
                    found.unmatched += 1
                    continue
                }
                found.sitemapRequests += 1
                output.follow(sitemapRequest(entry.location))
            }
        case .urlSet, .text:
            for entry in entries {
                let locations = [entry.location] + (sitemapAlternateLinks ? entry.alternates : [])
                for location in locations {
                    guard let rule = patterns.rules.first(where: { $0.pattern.matches(location) }) else {
                        found.unmatched += 1
                        continue
                    }
                    found.pageRequests += 1
                    output.follow(
                        CrawlRequest(
                            url: location, meta: meta(for: entry, in: response.url), callback: rule.callback,
                            callbackName: "sitemap rule \(rule.source)"))
                }
            }
        case .unknown:
            break
        }
        counters.withLock { counters in
            counters.issues.merge(sitemap.issues, uniquingKeysWith: +)
            counters.filtered += max(0, sitemap.entries.count - entries.count)
            if sitemap.kind == .unknown { counters.notSitemaps += 1 } else { counters.sitemaps += 1 }
            counters.unmatched += found.unmatched
            counters.sitemapRequests += found.sitemapRequests
            counters.pageRequests += found.pageRequests
        }
    }

    // MARK: Helpers

    private func sitemapRequest(_ url: String) -> CrawlRequest {
        CrawlRequest(url: url, meta: [Self.sitemapFileKey: "1"]) { [self] response, output in
            try await self.parseSitemap(response, output: output)
        }
    }

    private func meta(for entry: SitemapEntry, in sitemap: String) -> [String: String] {
        var meta = [Self.sitemapKey: sitemap]
        meta[Self.lastModifiedKey] = entry.lastModified
        meta[Self.changeFrequencyKey] = entry.changeFrequency
        meta[Self.priorityKey] = entry.priority.map { String($0) }
        return meta
    }

    /// The rules and follow patterns, compiled on first use.
    private func compiledPatterns() -> Compiled {
        if let ready = compiled.withLock({ $0 }) { return ready }
        var invalid = 0
        func compile(_ pattern: String) -> Pattern {
            guard !pattern.isEmpty else { return .everything }
            do throws(PatternError) {
                return .expression(try CompiledPattern(pattern))
            } catch {
                // No caller to throw to (the patterns are overridable properties): counted, never matches.
                invalid += 1
                return .invalid
            }
        }
        let fresh = Compiled(
            rules: sitemapRules.map { CompiledRule(pattern: compile($0.pattern), source: $0.pattern, callback: $0.callback) },
            follow: sitemapFollow.map(compile))
        return compiled.withLock { stored in
            if let stored { return stored }
            stored = fresh
            counters.withLock { $0.invalidPatterns += invalid }
            return fresh
        }
    }
}
