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
    /// How URLs are canonicalised for dedup (session ids and `utm_*` removed by default).
    public var canonicalization: CanonicalizationOptions = .crawler
    /// Whether the crawl keeps a cookie jar (cookies set by responses go with
    /// later requests to their site, as in a browser; on by default, as in Scrapy).
    public var keepsCookies = true
    /// Which addresses the crawl may connect to; `nil` (the default) decides
    /// from the seeds: public seeds keep the whole crawl on public addresses
    /// (redirects and links into loopback or private ranges are refused),
    /// a seed on a loopback or private address allows any.
    public var addressPolicy: AddressPolicy?
    /// Whether TLS certificates are verified (turn off for self-signed test sites only).
    public var verifiesTLSCertificates = true
    /// The longest URL followed.
    public var maxURLLength = 2048

    /// Where the frontier lives: in memory by default, on disk for a resumable
    /// crawl, or shared by many processes.
    public var frontier: FrontierFactory = .inMemory

    /// A directory where the frontier and the feeds' checkpoints are kept, so
    /// that a stopped or killed crawl resumes where it stopped (in-process frontier only).
    public var stateDirectory: String?
    /// How often the resumable state is committed.
    public var checkpointInterval: Duration = .milliseconds(500)
    /// Where a WARC archive of every fetch (robots.txt and redirect hops
    /// included) is written; `nil` (the default) writes none.
    public var warc: WARCSettings?
    /// How long requests in flight may go on after ``Crawler/stop()`` before they are cancelled.
    public var stopGracePeriod: Duration = .seconds(10)

    /// Creates the default settings.
    public init() {}
}
