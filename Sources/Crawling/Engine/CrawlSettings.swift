import Archiving
import AsyncURL
import CrawlFrontier
import LinkExtraction

/// Everything that shapes a crawl; every value has a default.
public struct CrawlSettings: Sendable {
    /// Transfers in flight at once, over all hosts.
    public var concurrency = 64
    /// Requests to one host in flight at once.
    public var perHostConcurrency = 2
    /// The least time between two requests to one host.
    public var delay: Duration = .zero
    /// Adapt each host's delay to its latency (Scrapy's AutoThrottle).
    public var autoThrottle: AutoThrottle?
    /// Concurrency, delay, AutoThrottle and user agent for chosen hosts or
    /// `*.domain` patterns, over the values here (Scrapy's `DOWNLOAD_SLOTS`):
    /// a host takes its most specific rule (see `HostSettingsTable`); empty by default.
    public var hostSettings = HostSettingsTable()
    /// The deepest depth followed (seeds are 0).
    public var maxDepth = 20
    /// The most pages fetched; `nil` for no limit.
    public var maxPages: Int?
    /// The most pages fetched from one host; `nil` for no limit.
    public var maxPagesPerHost: Int?
    /// Which hosts are followed.
    public var hosts: CrawlScope.Hosts = .seedHosts
    /// Only URLs matching one of these regular expressions are followed (when any).
    public var allowPatterns: [String] = []
    /// URLs matching any of these regular expressions are not followed.
    public var denyPatterns: [String] = []
    /// The `User-Agent`, whose product token robots.txt groups are matched against.
    public var userAgent = "AsyncURL/1.0 (+https://github.com/asyncurl)"
    /// Whether robots.txt is obeyed.
    public var obeysRobots = true
    /// Whether links marked `rel=nofollow` are followed (Scrapy's default is yes).
    public var followsNofollow = true
    /// The total time limit of one request.
    public var timeout: Duration = .seconds(30)
    /// The largest decoded body accepted.
    public var maxBodySize = 16 << 20
    /// Retries after a transient failure, 429 or 503.
    public var maxRetries = 2
    /// The longest wait honoured (`Retry-After`, backoff, host pause; 60 s):
    /// a URL asking for more is not retried but recorded as failed (`retryWaitTooLong`).
    public var maxRetryWait: Duration = .seconds(60)
    /// The longest robots.txt `Crawl-delay` honoured (30 s); longer ones are cut to it.
    public var maxCrawlDelay: Duration = .seconds(30)
    /// How long one host may take at its `Crawl-delay` for its queued URLs
    /// (one hour); a host over it is given up with a log line. `nil`: no budget.
    public var hostTimeBudget: Duration? = .seconds(3600)
    /// Failures (5xx, time-outs, lost connections) on this many distinct URLs
    /// of one host within ``hostFailureWindow`` pause the whole host (5).
    public var hostFailureThreshold = 5
    /// The window in which failures of distinct URLs are counted (30 s).
    public var hostFailureWindow: Duration = .seconds(30)
    /// The most robots.txt fetches at once (8).
    public var robotsFetchConcurrency = 8
    /// Tries of a host's robots.txt (time-out, 5xx, 429) before the host is given up (3).
    public var robotsMaxAttempts = 3
    /// The wait before a failed robots.txt is tried again (2 s, doubling).
    public var robotsRetryBackoff: Duration = .seconds(2)
    /// The most `Allow`/`Disallow` rules kept from one robots.txt (2,000).
    public var maxRobotsRules = RobotsTxt.defaultMaxRules
    /// The most hosts whose robots.txt rules are kept in memory (10,000; least recently used go first).
    public var robotsCacheSize = 10_000
    /// The most open connections of the crawl's HTTP client in all (256).
    public var maxConnections = 256
    /// How URLs are canonicalised for dedup (session ids and `utm_*` removed by default).
    /// The canonical form only decides what is a duplicate: a URL is fetched as
    /// the WHATWG serialisation of what its page wrote.
    public var canonicalization: CanonicalizationOptions = .crawler
    /// Whether the crawl keeps a cookie jar (cookies set by responses go with
    /// later requests to their site, as in a browser; on by default, as in Scrapy).
    public var keepsCookies = true
    /// Which addresses the crawl may connect to; `nil` (the default) decides
    /// from the seeds: public addresses, plus exactly the non-public addresses
    /// the seeds name literally (an IP literal, or `localhost` for `127.0.0.1`
    /// and `::1`). Redirects and links to any other loopback or private address
    /// are refused; seed host names are not resolved for this. `.any` allows
    /// every address (the CLI's `--allow-private-addresses`).
    public var addressPolicy: AddressPolicy?
    /// Whether TLS certificates are verified (turn off for self-signed test sites only).
    public var verifiesTLSCertificates = true
    /// The longest URL followed, in bytes: links (as written and resolved),
    /// `<base href>` and redirect targets beyond it are dropped and counted.
    public var maxURLLength = 2048
    /// The most bytes of links (URLs and anchor text) kept from one page; further links are counted, not kept.
    public var maxLinkBytesPerPage = 8 << 20
    /// The most URLs waiting in memory to be fetched, over all hosts (`nil`:
    /// no limit). Further URLs wait on disk (see ``memoryBudget``); without a
    /// budget or state directory they are counted in ``CrawlStats/queueLimited`` and not marked seen.
    public var maxQueuedURLs: Int? = 1_000_000
    /// The most URLs waiting to be fetched from one host (`nil`: no limit).
    public var maxQueuedURLsPerHost: Int? = 100_000
    /// How many bytes of memory the frontier's queues and seen-set may use
    /// (512 MiB by default; `nil`: no budget, and URLs past the queue bounds
    /// are refused unless ``stateDirectory`` is set). Half goes to queued URLs,
    /// the rest of them wait on disk (in the state directory, or a temporary
    /// file removed at the end); a quarter to recent fingerprints of the
    /// seen-set, older ones go to sorted runs on disk. Ignored by the shared
    /// (Redis) frontier.
    public var memoryBudget: Int? = 512 << 20
    /// The most cookies the jar keeps for one host (RFC 6265's minimum).
    public var maxCookiesPerHost = 50
    /// The most cookies the jar keeps in all (RFC 6265's minimum).
    public var maxCookies = 3000
    /// Whether each page's record in the page log lists its outlinks
    /// (``PageRecord/outlinks``; off by default, the CLI's `--outlinks`).
    public var recordsOutlinks = false
    /// Whether every HTML page is parsed for its links, so its page-log
    /// record has their count (``PageRecord/links``), even when nothing would
    /// use them (`true` by default). With `false`, a page whose links no one
    /// reads is not parsed at all: one at ``maxDepth``, whose spider reads links
    /// only to follow them (``Spider/readsLinksOnlyToFollow``), with no
    /// ``recordsOutlinks``, no ``recrawl`` and no decision record (a crawl
    /// with a ``stateDirectory`` or a shared frontier keeps one, for
    /// `--explain`, unless ``recordsURLDecisions`` is off). A list fetch (``maxDepth`` 0)
    /// then costs the fetches alone. The CLI sets it `false` unless `--count-links`.
    public var countsLinks = true
    /// The most callback and errback names this process warns about when a
    /// request's closure cannot run here (another worker of a shared crawl, or
    /// an earlier run, queued it): one warning per name, for at most this many
    /// names of at most 200 bytes (100; later names are not logged). Names
    /// travel with the requests through Redis, where any client can write
    /// them, hence the bound (the CLI's `--max-callback-warnings`).
    public var maxWarnedCallbackNames = 100

    /// Where the frontier lives: in memory by default, on disk for a resumable
    /// crawl, or shared by many processes.
    public var frontier: FrontierFactory = .inMemory

    /// A directory where the frontier and the feeds' checkpoints are kept, so
    /// that a stopped or killed crawl resumes where it stopped (in-process frontier only).
    public var stateDirectory: String?
    /// The lock on ``stateDirectory`` when it was taken already (the command
    /// line takes it before opening its outputs); `nil`: the crawl takes it.
    /// A crawl whose directory another process holds fails to start.
    public var stateDirectoryLock: StateDirectoryLock?
    /// Whether the crawl records why each URL was or was not fetched, for
    /// `asyncurl-crawl --explain` (on by default): in the ``stateDirectory``,
    /// or in Redis for a shared crawl. Off (`--no-explain-record`), the crawl
    /// saves the record's cost and `--explain` finds nothing.
    public var recordsURLDecisions = true
    /// How often the resumable state is committed.
    public var checkpointInterval: Duration = .milliseconds(500)
    /// Where a WARC archive of every fetch (robots.txt and redirect hops
    /// included) is written; `nil` (the default) writes none.
    public var warc: WARCSettings?
    /// Revisit the pages of earlier runs (needs ``stateDirectory``): when the
    /// state holds a finished crawl, a new run fetches only what is due, with
    /// conditional requests, and tells what changed (see ``RecrawlSettings``);
    /// `nil` (the default): a finished state has nothing left to do.
    public var recrawl: RecrawlSettings?
    /// How long requests in flight may go on after ``Crawler/stop()`` before they are cancelled.
    public var stopGracePeriod: Duration = .seconds(10)
    /// Which pages are rendered through headless Chromium, and how; `nil`
    /// (the default) renders nothing.
    public var rendering: CrawlRendering?
    /// How long the crawl may run (`nil`, the default: no limit). Then it
    /// stops as ``Crawler/stop()`` does: no new request starts, those in
    /// flight finish (within ``stopGracePeriod``), and ``Crawler/run()`` returns its statistics.
    public var maxTime: Duration?
    /// The most body bytes (decoded, as ``CrawlStats/bytes`` counts them)
    /// received before the crawl stops as ``Crawler/stop()`` does (`nil`, the
    /// default: no limit). Requests in flight when it is reached still finish,
    /// so the crawl ends a little over it.
    public var maxBytes: Int?
    /// The most items written to the item feeds before the crawl stops as
    /// ``Crawler/stop()`` does (`nil`, the default: no limit). Items of pages
    /// in flight when it is reached are still written.
    public var maxItems: Int?

    /// Creates the default settings.
    public init() {}
}
