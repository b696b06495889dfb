import Archiving
import AsyncURL
import CrawlFrontier
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LinkExtraction
import Logging
import AsyncURLSupport

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
    /// The hooks every request and response passes, in order.
    let middlewares: [any CrawlMiddleware]
    private let stats = LockedState(CrawlStats())
    private let stopping = LockedState(false)
    /// Set by ``abandonInFlight()``: pages in flight are not recorded.
    private let abandoned = LockedState(false)
    /// The task running the workers, while ``run()`` runs.
    private let workerTask = LockedState<Task<Void, Never>?>(nil)
    /// The timer that abandons requests still in flight after a stop's grace period.
    private let graceTimer = LockedState<Task<Void, Never>?>(nil)
    /// The HTTP client, while ``run()`` runs.
    private let activeClient = LockedState<FetchClient?>(nil)
    private let live = LockedState<(any URLFrontier)?>(nil)
    /// The state store of a resumable crawl, while ``run()`` runs.
    private let stateStore = LockedState<CrawlStateStore?>(nil)
    /// Where the crawler reports problems (spider errors, unwritable feeds).
    public let logger: Logger

    /// Creates a crawler.
    /// - Parameters:
    ///   - itemFeeds: where scraped items go.
    ///   - pageLog: where one ``PageRecord`` per fetched URL goes, if anywhere.
    ///   - pipelines: steps every item passes before the feeds, in order.
    ///   - middlewares: hooks every request and response passes, in order.
    public init(spider: Spider, settings: CrawlSettings = CrawlSettings(), itemFeeds: [FeedExporter] = [], pageLog: FeedExporter? = nil,
                pipelines: [any ItemPipeline] = [], middlewares: [any CrawlMiddleware] = [], logger: Logger = Logger(label: "AsyncURL.Crawler")) {
        self.middlewares = middlewares
        self.logger = logger
        var settings = settings
        spider.customize(&settings)
        self.spider = spider
        self.settings = settings
        self.itemFeeds = itemFeeds
        self.pageLog = pageLog
        self.pipelines = pipelines
    }

    /// Stops scheduling new requests; requests in flight finish, then ``run()``
    /// returns. Those still running after ``CrawlSettings/stopGracePeriod`` are
    /// abandoned (and, in a resumable crawl, fetched again on resume).
    public func stop() {
        let isFirst = stopping.withLock { stopping in
            defer { stopping = true }
            return !stopping
        }
        guard isFirst else { return }
        // Workers waiting for a URL leave; a worker busy with a page finishes it.
        workerTask.withLock { $0 }?.cancel()
        let grace = settings.stopGracePeriod
        let timer = Task { [weak self] in
            try? await Task.sleep(for: grace)
            guard !Task.isCancelled else { return }
            self?.abandonInFlight()
        }
        graceTimer.withLock { $0 = timer }
    }

    /// Stops now: requests in flight are abandoned (nothing is recorded for
    /// them, so a resumed crawl fetches them again) and ``run()`` returns.
    public func abandonInFlight() {
        stopping.withLock { $0 = true }
        abandoned.withLock { $0 = true }
        workerTask.withLock { $0 }?.cancel()
        if let client = activeClient.withLock({ $0 }) {
            Task { await client.shutdown() }
        }
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
        clientConfiguration.keepsCookies = settings.keepsCookies
        clientConfiguration.verifiesTLSCertificates = settings.verifiesTLSCertificates
        let startRequests = spider.startRequests()
        if let policy = settings.addressPolicy {
            clientConfiguration.addressPolicy = policy
        } else {
            clientConfiguration.addressPolicy = await SeedAddresses.policy(forSeeds: startRequests.map(\.url))
        }
        let client: FetchClient
        do {
            client = try FetchClient(configuration: clientConfiguration)
        } catch {
            throw .clientUnavailable(error)
        }
        activeClient.withLock { $0 = client }
        let archive: WARCArchive?
        do {
            archive = try settings.warc.map { settings throws(WARCError) in try WARCArchive(settings: settings) }
        } catch {
            await client.shutdown()
            throw .archiveUnavailable(error)
        }
        let policy = PolitenessPolicy(maxConcurrencyPerHost: settings.perHostConcurrency, delay: settings.delay,
                                      autoThrottle: settings.autoThrottle, maxRetries: settings.maxRetries)
        let configuration = FrontierConfiguration(policy: policy, scope: scope, userAgent: settings.userAgent, obeysRobots: settings.obeysRobots,
                                                  maxPages: settings.maxPages, maxPagesPerHost: settings.maxPagesPerHost)
        let robotsFetcher: FrontierFactory.RobotsFetcher = { url in
            // Up to 5 redirects; bodies up to 2 MiB are read and their first
            // 500 KiB parsed; anything larger counts as unreachable.
            do {
                var request = Request(url: url, redirectPolicy: .follow(maxHops: 5), maxBodySize: 2 << 20)
                request.capturesExchange = archive != nil
                let response = try await client.fetch(request)
                self.archive(response, in: archive)
                return .response(status: response.status, body: Array(response.body.prefix(RobotsTxt.maxParsedBytes)))
            } catch {
                return .unreachable
            }
        }
        let frontier: any URLFrontier
        do {
            if let directory = settings.stateDirectory {
                frontier = try await resumableFrontier(directory: directory, configuration: configuration, robotsFetcher: robotsFetcher)
            } else {
                frontier = try await settings.frontier.makeFrontier(configuration: configuration, robotsFetcher: robotsFetcher)
            }
        } catch {
            await client.shutdown()
            throw .frontierUnavailable(error)
        }
        live.withLock { $0 = frontier }
        let seedHosts = Set(startRequests.compactMap { CanonicalURL($0.url)?.hostKey })
        let work = CrawlWork(crawler: self, client: client, frontier: frontier, scope: scope, seedHosts: seedHosts, archive: archive)

        let started = ContinuousClock.now
        var seeds: [FrontierEntry] = []
        for request in startRequests {
            if let entry = work.entry(for: request, base: nil, depth: 0, referrer: nil) { seeds.append(entry) }
        }
        _ = await frontier.addSeeds(seeds)
        let checkpoints = Task { [weak self] in
            // Commits the resumable state a few times a second (none without --state).
            while !Task.isCancelled, let self, self.stateStore.withLock({ $0 != nil }) {
                try? await Task.sleep(for: settings.checkpointInterval)
                self.checkpoint()
            }
        }
        let workers = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<max(1, settings.concurrency) {
                    group.addTask { await work.runWorker() }
                }
            }
        }
        workerTask.withLock { $0 = workers }
        await withTaskCancellationHandler {
            await workers.value
        } onCancel: {
            workers.cancel()
        }
        checkpoints.cancel()
        await checkpoints.value
        if let timer = graceTimer.withLock({ $0 }) {
            timer.cancel()
            await timer.value
        }
        await client.shutdown()
        let failure = await frontier.failure
        do {
            try archive?.close()
        } catch {
            logger.error("cannot finish the WARC archive", metadata: ["error": "\(error)"])
        }
        do {
            try await frontier.close()
            try stateStore.withLock { $0 }?.close(metadata: feedLengths)
        } catch {
            logger.error("cannot save the crawl's state", metadata: ["error": "\(error)"])
        }
        stateStore.withLock { $0 = nil }
        workerTask.withLock { $0 = nil }
        activeClient.withLock { $0 = nil }
        if let failure { throw .frontierFailed(failure) }
        let counters = await frontier.counters
        return stats.withLock { stats in
            stats.elapsedSeconds = (ContinuousClock.now - started).inSeconds
            stats.duplicates = counters.duplicates
            stats.offScope = counters.rejected[.offScope] ?? 0
            stats.limited = counters.pageLimited + counters.rejected.filter { $0.key != .offScope }.values.reduce(0, +)
            stats.robotsDenied = counters.robotsDenied
            stats.retries = counters.retries
            stats.archivedRecords = archive?.recordCount ?? 0
            return stats
        }
    }

    // MARK: Used by the workers

    var isStopping: Bool { stopping.withLock { $0 } }

    var isAbandoned: Bool { abandoned.withLock { $0 } }

    func record(_ update: (inout CrawlStats) -> Void) {
        stats.withLock { update(&$0) }
    }

    /// Writes a fetch's captured exchanges to the archive. An archive that
    /// cannot be written (a full disk, say) stops the crawl: what it fetched
    /// from then on would be missing from it.
    func archive(_ response: Response, in archive: WARCArchive?) {
        guard let archive else { return }
        do {
            try archive.archive(response)
        } catch {
            logger.error("cannot write the WARC archive; stopping the crawl", metadata: ["error": "\(error)"])
            record { $0.errorKinds["archive", default: 0] += 1 }
            stop()
        }
    }

    func log(_ record: PageRecord) {
        do {
            try pageLog?.write(record)
        } catch {
            logger.error("cannot write the page log", metadata: ["error": "\(error)"])
        }
    }

    /// Runs an item through the pipelines; `nil` when one of them dropped it.
    func process(_ item: any Encodable & Sendable) async -> (any Encodable & Sendable)? {
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
        if current == nil { record { $0.droppedItems += 1 } }
        return current
    }

    /// Writes a finished page's record and items to the feeds, and (in a
    /// resumable crawl) marks the page done in the same step, so a checkpoint
    /// never holds one without the other.
    func commit(_ entry: FrontierEntry, record pageRecord: PageRecord, items: [any Encodable & Sendable], redirectTarget: UInt64?) {
        let write = {
            self.log(pageRecord)
            for item in items {
                for feed in self.itemFeeds {
                    do {
                        try feed.write(AnyEncodable(item))
                    } catch {
                        self.logger.error("cannot write an item", metadata: ["feed": "\(feed.path)", "error": "\(error)"])
                    }
                }
            }
        }
        if let store = stateStore.withLock({ $0 }) {
            store.recordDone(entry, redirectTarget: redirectTarget, alongWith: write)
        } else {
            write()
        }
        record { $0.items += items.count }
    }

    // MARK: Resumable state

    /// Opens the state directory, cuts the feeds back to its last checkpoint,
    /// and builds a frontier that goes on from it.
    private func resumableFrontier(directory: String, configuration: FrontierConfiguration,
                                   robotsFetcher: @escaping FrontierFactory.RobotsFetcher) async throws -> Frontier {
        let store = try CrawlStateStore(directory: directory)
        let saved = try store.load()
        for feed in allFeeds {
            // What no checkpoint covers belongs to pages that will be fetched again.
            try feed.truncate(to: saved.metadata[Self.lengthKey(feed.path)].flatMap(Int.init) ?? 0)
        }
        let frontier = Frontier(configuration: configuration, store: store, robotsFetcher: robotsFetcher)
        stateStore.withLock { $0 = store }
        if !saved.isEmpty {
            logger.info("resuming a crawl", metadata: ["state": "\(directory)", "queued": "\(saved.queued.count)", "done": "\(saved.done.count)"])
            await frontier.restore(saved)
        }
        return frontier
    }

    private var allFeeds: [FeedExporter] {
        itemFeeds + (pageLog.map { [$0] } ?? [])
    }

    private static func lengthKey(_ path: String) -> String {
        "feed-length:" + path
    }

    /// The feeds' lengths, stored with each checkpoint.
    private func feedLengths() -> [String: String] {
        var lengths: [String: String] = [:]
        for feed in allFeeds {
            if let length = feed.length { lengths[Self.lengthKey(feed.path)] = String(length) }
        }
        return lengths
    }

    /// Commits the resumable state (no-op without one).
    private func checkpoint() {
        guard let store = stateStore.withLock({ $0 }) else { return }
        do {
            try store.commit(metadata: feedLengths)
        } catch {
            logger.error("cannot save the crawl's state", metadata: ["error": "\(error)"])
        }
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
