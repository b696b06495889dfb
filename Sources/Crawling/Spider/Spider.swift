import AsyncURL
import LinkExtraction

/// A crawl's logic: where it starts and what it does with each page.
///
/// Subclass it and override what you need:
///
/// ```swift
/// final class TitleSpider: Spider, @unchecked Sendable {
///     override var name: String { "titles" }
///     override var startURLs: [String] { ["http://127.0.0.1:8080/"] }
///     override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
///         output.yield(["url": response.url, "title": try response.xpath("//title/text()").first ?? ""])
///         for link in response.links { output.follow(link.url) }
///     }
/// }
/// let stats = try await Crawler(spider: TitleSpider()).run()
/// ```
///
/// ## Threading
///
/// One spider object serves the whole crawl. ``parse(_:output:)`` and
/// request callbacks run concurrently for different pages: up to
/// ``CrawlSettings/concurrency`` at once, on the threads of Swift's
/// cooperative pool (never on the fetch thread), and a call may resume on
/// another thread after each `await`. Calls for one page never overlap. The
/// ``SpiderOutput`` a call gets is its own. ``startRequests()`` and
/// ``customize(_:)`` run once, before any page.
///
/// So a subclass's stored properties are `let`s of `Sendable` types, and what
/// it changes while the crawl runs lives in a ``SpiderState`` (counters, sets
/// of seen values), changed in one ``SpiderState/withLock(_:)`` call.
///
/// `Spider` is `@unchecked Sendable` (a class that can be subclassed cannot
/// be checked), and Swift asks every subclass to say so again: write
/// `final class MySpider: Spider, @unchecked Sendable`. With the rules above
/// that promise holds; the compiler does not check it.
///
/// ### Why a subclass restates `@unchecked Sendable`
///
/// Without it, Swift 6.3 (language mode 6) warns at the subclass:
/// `class 'MySpider' must restate inherited '@unchecked Sendable' conformance`.
/// The warning has no diagnostic group, so it cannot be silenced by a build
/// setting. What the language offers instead was tried, and each costs more
/// than the one attribute:
/// - `open class Spider: Sendable` (checked) is refused:
///   `non-final class 'Spider' cannot conform to the 'Sendable' protocol`.
/// - `@preconcurrency` on the conformance or on the class: `'@preconcurrency'
///   on conformance to 'Sendable' has no effect`, and the warning stays.
/// - A global actor on `Spider` (`@MainActor`) makes every subclass `Sendable`
///   with nothing restated, but a subclass's `override func parse` is then
///   isolated to that actor unless it is also marked `nonisolated`: every
///   page would be parsed on the one main thread.
/// - `Spider` as a class-constrained protocol (`AnyObject, Sendable`) is
///   checked by the compiler, but spiders would then no longer inherit
///   ``CrawlSpider``'s and ``SitemapSpider``'s behaviour by subclassing.
/// - A macro would need a swift-syntax dependency.
open class Spider: @unchecked Sendable {
    /// A callback that parses a response into items and further requests.
    public typealias Callback = @Sendable (CrawlResponse, SpiderOutput) async throws -> Void
    /// An error callback (Scrapy's errback): handles a request that failed,
    /// and yields items and follows requests exactly as a callback does.
    public typealias Errback = @Sendable (CrawlFailure, SpiderOutput) async throws -> Void

    /// Creates the spider.
    public init() {}

    /// A short name, for logs and stats.
    open var name: String { "spider" }

    /// The URLs the crawl starts from.
    open var startURLs: [String] { [] }

    /// The domains (with their subdomains) the crawl may visit; empty keeps it to the start URLs' hosts.
    open var allowedDomains: [String] { [] }

    /// HTTP statuses whose responses go to the errback (the request's, else
    /// ``handleFailure(_:output:)``) instead of the callback, for requests
    /// that do not set ``CrawlRequest/errbackStatuses``. Empty by default:
    /// every response goes to its callback (as after their last retry, 429, 503 and 5xx do).
    open var errbackStatuses: Set<Int> { [] }

    /// Whether ``parse(_:output:)`` and the callbacks read the bodies of
    /// responses that are not HTML (`true`). A spider that answers `false`
    /// lets the crawl leave such bodies out of memory (an archived crawl,
    /// ``CrawlSettings/warc``, streams them to the archive; a recrawl still
    /// keeps them, to compare them): their ``CrawlResponse/body`` (and the
    /// `Response.body` middlewares see) is then empty, and their bytes are
    /// still counted and held to ``CrawlSettings/maxBodySize``. A body whose
    /// `Content-Type` does not say is kept, to be sniffed.
    open var readsNonHTMLBodies: Bool { true }

    /// Whether ``parse(_:output:)`` and the callbacks read
    /// ``CrawlResponse/links`` only to follow them (`false` by default:
    /// they may read them for anything). A spider that answers `true` lets
    /// the crawl skip parsing a page whose links could not be followed (one at
    /// ``CrawlSettings/maxDepth``) when the settings ask for no link count
    /// (``CrawlSettings/countsLinks``): its response then has no links.
    open var readsLinksOnlyToFollow: Bool { false }

    /// Settings this spider needs, applied over the crawler's.
    open func customize(_ settings: inout CrawlSettings) {}

    /// The first requests; by default one `GET` per start URL.
    open func startRequests() -> [CrawlRequest] {
        startURLs.map { CrawlRequest(url: $0) }
    }

    /// A reader of the first requests, a batch at a time, for a list too long
    /// to hold in memory (a file of millions of URLs, see ``SeedListReader``).
    /// The crawl then never calls ``startRequests()``: it asks for a reader
    /// twice, and reads the first to its end for the seeds' hosts before the
    /// crawl starts and the second to queue the requests. `nil` (the
    /// default): the crawl takes ``startRequests()``.
    /// - Throws: when the list cannot be opened; the crawl does not start
    ///   (``CrawlError/startRequestsUnavailable(_:)``).
    open func startRequestReader() throws -> (any StartRequestReader)? { nil }

    /// Parses a page that has no callback of its own. By default follows
    /// every link of the page (the crawler applies scope, robots.txt and dedup).
    open func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
        output.follow(response.links)
    }

    /// Handles a request that failed and has no errback of its own: its fetch
    /// failed after its last try (``CrawlFailure/error``), or its response
    /// has a status listed in ``errbackStatuses`` (``CrawlFailure/response``).
    /// Items and requests go where a callback's go (pipelines, feeds, the
    /// frontier at the next depth). By default does nothing: the failure is
    /// in the page log and the statistics.
    ///
    /// A request queued in another process (a shared frontier) or an earlier
    /// run (a resumed crawl) comes here even if it had an errback, as it goes
    /// to ``parse(_:output:)`` without its callback: route by ``CrawlRequest/meta``.
    /// - Parameters:
    ///   - failure: what failed, and the request.
    ///   - output: where items and further requests go.
    open func handleFailure(_ failure: CrawlFailure, output: SpiderOutput) async throws {}
}
