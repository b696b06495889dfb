import AsyncURL
import CrawlFrontier
import Foundation
import LinkExtraction
import Logging

/// Runs a spider: the loop that feeds the frontier's URLs to the fetch core
/// and the links and requests found on each page back into the frontier.
///
/// ``CrawlSettings/concurrency`` workers run as tasks in the cooperative pool:
/// each takes the next URL the ``CrawlFrontier/Frontier`` allows, awaits the
/// fetch (libcurl works on its own thread meanwhile), extracts links and runs
/// the spider's callback, then reports back. Parsing never runs on the fetch
/// thread, and with many workers both cores are busy. 429 and 503 answers,
/// time-outs, lost connections and 5xx are retried by the frontier with
/// backoff; other failures are recorded in the page log and the stats.
public final class Crawler: Sendable {
    /// The spider being run.
    public let spider: Spider
    /// The settings in force (the spider's customisations applied).
    public let settings: CrawlSettings
    private let itemFeeds: [FeedExporter]
    private let pageLog: FeedExporter?
    private let pipelines: [any ItemPipeline]
    private let stats = LockedState(CrawlStats())
    private let stopping = LockedState(false)
    private let live = LockedState<(any URLFrontier)?>(nil)
    /// Where the crawler reports problems (spider errors, unwritable feeds).
    public let logger: Logger

    /// Creates a crawler.
    /// - Parameters:
    ///   - itemFeeds: where scraped items go.
    ///   - pageLog: where one ``PageRecord`` per fetched URL goes, if anywhere.
    ///   - pipelines: steps every item passes before the feeds, in order.
    public init(spider: Spider, settings: CrawlSettings = CrawlSettings(), itemFeeds: [FeedExporter] = [], pageLog: FeedExporter? = nil, pipelines: [any ItemPipeline] = [], logger: Logger = Logger(label: "AsyncURL.Crawler")) {
        self.logger = logger
        var settings = settings
        spider.customize(&settings)
        self.spider = spider
        self.settings = settings
        self.itemFeeds = itemFeeds
        self.pageLog = pageLog
        self.pipelines = pipelines
    }

    /// Stops scheduling new requests; requests in flight finish, then ``run()`` returns.
    public func stop() {
        stopping.withLock { $0 = true }
    }

    /// The counters so far, with the frontier's queue sizes.
    public func progress() async -> (stats: CrawlStats, queued: Int, inFlight: Int, hosts: Int) {
        let snapshot = stats.withLock { $0 }
        guard let frontier = live.withLock({ $0 }) else { return (snapshot, 0, 0, 0) }
        return (snapshot, await frontier.queuedCount, await frontier.inFlightCount, await frontier.hostCount)
    }

    /// Runs the crawl to the end (or until ``stop()``) and returns its statistics.
    public func run() async throws(CrawlError) -> CrawlStats {
        let settings = settings
        let hosts: CrawlScope.Hosts = spider.allowedDomains.isEmpty ? settings.hosts : .domains(spider.allowedDomains)
        let scope: CrawlScope
        do {
            scope = try CrawlScope(hosts: hosts, allowPatterns: settings.allowPatterns, denyPatterns: settings.denyPatterns,
                                   maxDepth: settings.maxDepth, maxURLLength: settings.maxURLLength)
        } catch {
            throw .invalidSettings(error.description)
        }
        var clientConfiguration = FetchClient.Configuration()
        clientConfiguration.userAgent = settings.userAgent
        clientConfiguration.timeouts = Timeouts(connect: min(.seconds(10), settings.timeout), total: settings.timeout, idle: min(.seconds(30), settings.timeout))
        clientConfiguration.maxBodySize = settings.maxBodySize
        clientConfiguration.maxConnectionsPerHost = settings.perHostConcurrency
        let client: FetchClient
        do {
            client = try FetchClient(configuration: clientConfiguration)
        } catch {
            throw .clientUnavailable(error)
        }
        let policy = PolitenessPolicy(maxConcurrencyPerHost: settings.perHostConcurrency, delay: settings.delay,
                                      autoThrottle: settings.autoThrottle, maxRetries: settings.maxRetries)
        let configuration = FrontierConfiguration(policy: policy, scope: scope, userAgent: settings.userAgent, obeysRobots: settings.obeysRobots,
                                                  maxPages: settings.maxPages, maxPagesPerHost: settings.maxPagesPerHost)
        let frontier: any URLFrontier
        do {
            frontier = try await settings.frontier.makeFrontier(configuration: configuration) { url in
                // Up to 5 redirects; bodies up to 2 MiB are read and their first
                // 500 KiB parsed; anything larger counts as unreachable.
                do {
                    let response = try await client.fetch(Request(url: url, redirectPolicy: .follow(maxHops: 5), maxBodySize: 2 << 20))
                    return .response(status: response.status, body: Array(response.body.prefix(RobotsTxt.maxParsedBytes)))
                } catch {
                    return .unreachable
                }
            }
        } catch {
            await client.shutdown()
            throw .frontierUnavailable(error)
        }
        live.withLock { $0 = frontier }
        let startRequests = spider.startRequests()
        let seedHosts = Set(startRequests.compactMap { CanonicalURL($0.url)?.hostKey })
        let work = CrawlWork(crawler: self, client: client, frontier: frontier, scope: scope, seedHosts: seedHosts)

        let started = ContinuousClock.now
        var seeds: [FrontierEntry] = []
        for request in startRequests {
            if let entry = work.entry(for: request, base: nil, depth: 0, referrer: nil) { seeds.append(entry) }
        }
        _ = await frontier.addSeeds(seeds)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, settings.concurrency) {
                group.addTask { await work.runWorker() }
            }
        }
        await client.shutdown()
        do {
            try await frontier.close()
        } catch {
            logger.error("cannot save the frontier's state", metadata: ["error": "\(error)"])
        }
        let counters = await frontier.counters
        return stats.withLock { stats in
            stats.elapsedSeconds = (ContinuousClock.now - started).seconds
            stats.duplicates = counters.duplicates
            stats.offScope = counters.rejected[.offScope] ?? 0
            stats.limited = counters.pageLimited + counters.rejected.filter { $0.key != .offScope }.values.reduce(0, +)
            stats.robotsDenied = counters.robotsDenied
            stats.retries = counters.retries
            return stats
        }
    }

    // MARK: Used by the workers

    var isStopping: Bool { stopping.withLock { $0 } }

    func record(_ update: (inout CrawlStats) -> Void) {
        stats.withLock { update(&$0) }
    }

    func log(_ record: PageRecord) {
        do {
            try pageLog?.write(record)
        } catch {
            logger.error("cannot write the page log", metadata: ["error": "\(error)"])
        }
    }

    /// Runs an item through the pipelines and into the feeds.
    func export(_ item: any Encodable & Sendable) async {
        var current: (any Encodable & Sendable)? = item
        for pipeline in pipelines {
            guard let value = current else { break }
            do {
                current = try await pipeline.process(value)
            } catch {
                logger.warning("an item pipeline failed; the item is dropped", metadata: ["error": "\(error)"])
                current = nil
            }
        }
        guard let value = current else {
            record { $0.droppedItems += 1 }
            return
        }
        for feed in itemFeeds {
            do {
                try feed.write(AnyEncodable(value))
            } catch {
                logger.error("cannot write an item", metadata: ["feed": "\(feed.path)", "error": "\(error)"])
            }
        }
        record { $0.items += 1 }
    }
}

/// An `Encodable` box, so items of any type can be written through one call.
struct AnyEncodable: Encodable {
    let value: any Encodable

    init(_ value: any Encodable) {
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
