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
/// each takes the next URL the frontier (`CrawlFrontier.Frontier`) allows, awaits the
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
    /// The first failure to write a feed (a closed pipe, a full disk), which stopped the crawl.
    private let feedFailure = LockedState<FeedError?>(nil)
    /// Where the crawler reports problems (spider errors, unwritable feeds).
    public let logger: Logger
    /// The callbacks of queued requests, until they go out.
    private let callbacks = CallbackStore()
    /// What the crawl emits through swift-metrics (see ``CrawlMetricLabel``).
    let metrics = CrawlMetrics()

    /// Callbacks kept for requests queued and not yet fetched (a diagnostic:
    /// only requests the frontier queued keep theirs, so it is zero once a crawl has run to its end).
    public var storedCallbackCount: Int { callbacks.count }

    /// Creates a crawler.
    /// - Parameters:
    ///   - spider: what the crawl starts from and how its pages are parsed.
    ///   - settings: limits, politeness, scope and where the frontier lives.
    ///   - itemFeeds: where scraped items go.
    ///   - pageLog: where one ``PageRecord`` per fetched URL goes, if anywhere.
    ///   - pipelines: steps every item passes before the feeds, in order.
    ///   - middlewares: hooks every request and response passes, in order.
    ///   - logger: where the crawler reports problems (spider errors, unwritable outputs, waits).
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

    /// The failure to write a feed or the page log (a pipe whose reader went
    /// away, a full disk) that stopped the crawl, if one did. The page being
    /// written when it happened is not marked done, so a resumed crawl
    /// fetches it again.
    public var outputFailure: FeedError? {
        feedFailure.withLock { $0 }
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
        if settings.recrawl != nil, settings.stateDirectory == nil {
            throw .invalidSettings("a recrawl needs a state directory (stateDirectory, --state)")
        }
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
        clientConfiguration.maxTotalConnections = max(1, settings.maxConnections)
        clientConfiguration.keepsCookies = settings.keepsCookies
        clientConfiguration.maxCookiesPerHost = settings.maxCookiesPerHost
        clientConfiguration.maxCookies = settings.maxCookies
        clientConfiguration.maxURLLength = settings.maxURLLength
        clientConfiguration.verifiesTLSCertificates = settings.verifiesTLSCertificates
        let startRequests = spider.startRequests()
        if let policy = settings.addressPolicy {
            clientConfiguration.addressPolicy = policy
        } else {
            clientConfiguration.addressPolicy = SeedAddresses.policy(forSeeds: startRequests.map(\.url))
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
                                      autoThrottle: settings.autoThrottle, maxRetries: settings.maxRetries,
                                      maxRetryWait: settings.maxRetryWait, maxCrawlDelay: settings.maxCrawlDelay, hostTimeBudget: settings.hostTimeBudget,
                                      hostFailureThreshold: settings.hostFailureThreshold, hostFailureWindow: settings.hostFailureWindow)
        var configuration = FrontierConfiguration(policy: policy, scope: scope, userAgent: settings.userAgent, obeysRobots: settings.obeysRobots,
                                                  maxPages: settings.maxPages, maxPagesPerHost: settings.maxPagesPerHost,
                                                  maxQueued: settings.maxQueuedURLs, maxQueuedPerHost: settings.maxQueuedURLsPerHost)
        configuration.robotsFetchConcurrency = settings.robotsFetchConcurrency
        configuration.robotsMaxAttempts = settings.robotsMaxAttempts
        configuration.robotsRetryBackoff = settings.robotsRetryBackoff
        configuration.maxRobotsRules = settings.maxRobotsRules
        configuration.robotsCacheSize = settings.robotsCacheSize
        configuration.memoryBudget = settings.memoryBudget
        let logger = logger
        configuration.eventHandler = { event in
            logger.notice("\(Self.logLine(for: event))")
        }
        let robotsFetcher: FrontierFactory.RobotsFetcher = { url in
            // Up to 5 redirects; a file is read up to 500 KiB and parsed up
            // to there, however long it is (RFC 9309 §2.5).
            do {
                var request = Request(url: url, redirectPolicy: .follow(maxHops: 5), maxBodySize: RobotsTxt.maxParsedBytes)
                request.truncatesBody = true
                request.capturesExchange = archive != nil
                let response = try await client.fetch(request)
                self.archive(response, in: archive)
                return .response(status: response.status, body: Array(response.body))
            } catch {
                return .unreachable
            }
        }
        let frontier: any URLFrontier
        do {
            if let directory = settings.stateDirectory {
                frontier = try await resumableFrontier(directory: directory, configuration: configuration, robotsFetcher: robotsFetcher,
                                                       seeds: startRequests.map(\.url))
            } else {
                frontier = try await settings.frontier.makeFrontier(configuration: configuration, robotsFetcher: robotsFetcher)
            }
        } catch {
            await client.shutdown()
            throw .frontierUnavailable(error)
        }
        live.withLock { $0 = frontier }
        let metricsSampler = metrics.sample(frontier)
        let seedHosts = Set(startRequests.compactMap { CanonicalURL($0.url)?.hostKey })
        let recrawl = settings.recrawl.flatMap { recrawl in stateStore.withLock { $0 }.map { Recrawl(settings: recrawl, store: $0) } }
        let work = CrawlWork(crawler: self, client: client, frontier: frontier, scope: scope, seedHosts: seedHosts, callbacks: callbacks,
                             archive: archive, recrawl: recrawl)

        let started = ContinuousClock.now
        await work.offer(startRequests, base: nil, depth: 0, referrer: nil, asSeeds: true)
        let liveness = Task { [weak self] in
            // Work queued and nothing in flight: the log says why, and until when.
            var lastLogged: (key: String, at: ContinuousClock.Instant)?
            while !Task.isCancelled, let self {
                try? await Task.sleep(for: .seconds(1))
                guard let message = await self.waitingMessage() else {
                    lastLogged = nil
                    continue
                }
                // Logged when the reason changes, and every 30 s while it lasts.
                let key = message.filter { !$0.isNumber }
                if let last = lastLogged, last.key == key, ContinuousClock.now - last.at < .seconds(30) { continue }
                self.logger.notice("\(message)")
                lastLogged = (key, .now)
            }
        }
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
        metricsSampler.cancel()
        await metricsSampler.value
        liveness.cancel()
        await liveness.value
        if let timer = graceTimer.withLock({ $0 }) {
            timer.cancel()
            await timer.value
        }
        let cookiesRefused = client.cookiesRefused
        await client.shutdown()
        let failure = await frontier.failure
        do {
            try archive?.close()
        } catch {
            logger.error("cannot finish the WARC archive", metadata: ["error": "\(error)"])
        }
        do {
            try await frontier.close()
            try stateStore.withLock { $0 }?.close(metadata: feedLengths, beforeWriting: synchronizeFeeds)
        } catch {
            logger.error("cannot save the crawl's state", metadata: ["error": "\(error)"])
        }
        stateStore.withLock { $0 = nil }
        workerTask.withLock { $0 = nil }
        activeClient.withLock { $0 = nil }
        if let failure { throw .frontierFailed(failure) }
        let counters = await frontier.counters
        let activity = await frontier.activity
        return stats.withLock { stats in
            stats.hostPauses = activity.hostPauses
            stats.hostsGivenUp = activity.givenUpHosts
            stats.robotsRulesIgnored = counters.robotsRulesIgnored
            stats.elapsedSeconds = (ContinuousClock.now - started).inSeconds
            stats.duplicates = counters.duplicates
            stats.offScope = counters.rejected[.offScope] ?? 0
            stats.limited = counters.pageLimited + counters.queueLimited + counters.rejected.filter { $0.key != .offScope }.values.reduce(0, +)
            stats.queueLimited = counters.queueLimited
            stats.queuedOnDisk = counters.spilled
            stats.cookiesRefused = cookiesRefused
            stats.robotsDenied = counters.robotsDenied
            stats.retries = counters.retries
            stats.archivedRecords = archive?.recordCount ?? 0
            return stats
        }
    }

    /// Why the crawl waits, when work is queued and nothing is in flight
    /// (`waiting: 1 host paused until 21:37:05 (Retry-After)`); `nil` otherwise.
    public func waitingMessage() async -> String? {
        guard let frontier = live.withLock({ $0 }) else { return nil }
        return Self.waitingMessage(for: await frontier.activity)
    }

    /// The waiting message for a frontier's activity (see ``waitingMessage()``).
    public static func waitingMessage(for activity: FrontierActivity) -> String? {
        guard activity.isStalled else { return nil }
        var parts: [String] = []
        if activity.pausedHosts > 0, let after = activity.nextResumeAfter {
            let reason = activity.nextResumeReason.map { " (\($0.rawValue))" } ?? ""
            parts.append("\(activity.pausedHosts) host\(activity.pausedHosts == 1 ? "" : "s") paused until \(WallClock.time(after: after))\(reason)")
        }
        let fetchingRobots = activity.robotsPending - (activity.nextResumeReason == .robots ? 1 : 0)
        if fetchingRobots > 0, activity.pausedHosts == 0 {
            parts.append("robots.txt of \(activity.robotsPending) host\(activity.robotsPending == 1 ? "" : "s") being fetched")
        }
        if activity.retrying > 0, let after = activity.nextRetryAfter {
            parts.append("\(activity.retrying) URL\(activity.retrying == 1 ? "" : "s") to retry, the first at \(WallClock.time(after: after))")
        }
        if parts.isEmpty, activity.queued > 0, let after = activity.nextStartAfter {
            parts.append("next request allowed at \(WallClock.time(after: after)) (politeness delay)")
        }
        return parts.isEmpty ? nil : "waiting: " + parts.joined(separator: "; ")
    }

    /// A frontier event as a log line, with wall-clock times.
    static func logLine(for event: FrontierEvent) -> String {
        switch event {
        case .hostPaused(let host, let reason, let remaining):
            "host \(host) paused until \(WallClock.time(after: remaining)) (\(reason.rawValue))"
        case .hostGivenUp:
            event.description
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
    /// `previous`: the page's capture in an earlier run (a recrawl), which an unchanged page's `revisit` record refers to;
    /// `spool`: where the final body streamed to (see `CrawlWork.bodySpool(for:)`).
    func archive(_ response: Response, in archive: WARCArchive?, spool: WARCBodySpool? = nil, previous: WARCPreviousCapture? = nil) {
        guard let archive else { return }
        do {
            try archive.archive(response, spool: spool, previous: previous)
        } catch {
            logger.error("cannot write the WARC archive; stopping the crawl", metadata: ["error": "\(error)"])
            record { $0.errorKinds["archive", default: 0] += 1 }
            metrics.countError("archive")
            stop()
        }
    }

    /// Writes a page's record to the page log: server text without control
    /// characters, URLs without credentials.
    func log(_ record: PageRecord) throws(FeedError) {
        try pageLog?.write(record.forOutput)
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
    ///
    /// An item that cannot be encoded is logged and left out. A feed that
    /// cannot be written (``FeedError/errorNumber`` set: a closed pipe, a full
    /// disk) stops the crawl (``outputFailure``); the page is then not marked
    /// done, and in a resumable crawl the feeds are cut back to where they
    /// were before it, so a checkpoint still holds exactly the done pages' output.
    /// A page with no `record` (one a recrawl passed over) writes nothing;
    /// `revisit` (a recrawl's record of the page) is committed with it.
    func commit(_ entry: FrontierEntry, record pageRecord: PageRecord?, items: [any Encodable & Sendable], redirectTarget: UInt64?,
                revisit: PageRevisit? = nil) {
        let store = stateStore.withLock { $0 }
        let write = { () throws(FeedError) in
            // Under the store's lock: no other page writes meanwhile.
            let lengths = store == nil ? [] : self.allFeeds.map(\.length)
            do throws(FeedError) {
                if let pageRecord { try self.log(pageRecord) }
                for item in items {
                    for feed in self.itemFeeds {
                        do throws(FeedError) {
                            try feed.write(AnyEncodable(item))
                        } catch where error.errorNumber == nil {
                            self.logger.error("cannot write an item", metadata: ["feed": "\(feed.path)", "error": "\(error)"])
                        }
                    }
                }
            } catch {
                for (feed, length) in zip(self.allFeeds, lengths) {
                    if let length { try? feed.truncate(to: length) }
                }
                throw error
            }
        }
        do throws(FeedError) {
            if let store {
                try store.recordDone(entry, redirectTarget: redirectTarget, revisit: revisit, alongWith: write)
            } else {
                try write()
            }
        } catch {
            stopForOutputFailure(error)
            return
        }
        record { $0.items += items.count }
    }

    /// Stops the crawl after a feed could not be written (once; later failures are the same).
    private func stopForOutputFailure(_ error: FeedError) {
        let isFirst = feedFailure.withLock { failure in
            defer { if failure == nil { failure = error } }
            return failure == nil
        }
        guard isFirst else { return }
        logger.error("cannot write a feed; the crawl stops", metadata: ["error": "\(error)"])
        stop()
    }

    // MARK: Resumable state

    /// Opens the state directory, cuts the feeds back to its last checkpoint,
    /// and builds a frontier that goes on from it.
    /// The store keeps URLs without credentials: those of the seeds (given
    /// again on resume) go back on the queued URLs of the seeds' hosts.
    private func resumableFrontier(directory: String, configuration: FrontierConfiguration,
                                   robotsFetcher: @escaping FrontierFactory.RobotsFetcher, seeds: [String]) async throws -> Frontier {
        let store = try CrawlStateStore(directory: directory, lock: settings.stateDirectoryLock)
        var saved = try store.load()
        if settings.recrawl != nil, saved.queued.isEmpty, !saved.done.isEmpty {
            // A finished crawl: a recrawl starts a new run over it, with new feeds.
            saved = try beginRecrawlRun(store)
        }
        let credentials = Self.credentials(of: seeds)
        if !credentials.isEmpty {
            saved.queued = saved.queued.map { entry in
                guard let userinfo = credentials[entry.hostKey], let separator = entry.url.firstRange(of: "://") else { return entry }
                var entry = entry
                entry.url.insert(contentsOf: userinfo, at: separator.upperBound)
                return entry
            }
        }
        for feed in allFeeds {
            // What no checkpoint covers belongs to pages that will be fetched again.
            try feed.truncate(to: saved.metadata[Self.lengthKey(feed.path)].flatMap(Int.init) ?? 0)
        }
        // URLs over the queue bounds wait on disk beside the state.
        let frontier = Frontier(configuration: configuration, store: store, spill: try SpillQueue(directory: directory), robotsFetcher: robotsFetcher)
        stateStore.withLock { $0 = store }
        if !saved.isEmpty {
            logger.info("resuming a crawl", metadata: ["state": "\(directory)", "queued": "\(saved.queued.count)", "done": "\(saved.done.count)"])
            await frontier.restore(saved)
        }
        return frontier
    }

    /// The userinfo (`user:password@`) of the seeds that have one, by host key.
    private static func credentials(of seeds: [String]) -> [String: String] {
        var credentials: [String: String] = [:]
        for seed in seeds {
            guard let url = WebURL(seed), !url.username.isEmpty || !url.password.isEmpty, let hostKey = CanonicalURL(url).hostKey else { continue }
            if credentials[hostKey] == nil {
                credentials[hostKey] = url.username + (url.password.isEmpty ? "" : ":" + url.password) + "@"
            }
        }
        return credentials
    }

    var allFeeds: [FeedExporter] {
        itemFeeds + (pageLog.map { [$0] } ?? [])
    }

    static func lengthKey(_ path: String) -> String {
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

    /// Puts the feeds' bytes on disk, before a checkpoint counts them.
    private func synchronizeFeeds() throws(FeedError) {
        for feed in allFeeds { try feed.synchronize() }
    }

    /// Commits the resumable state (no-op without one).
    private func checkpoint() {
        guard let store = stateStore.withLock({ $0 }) else { return }
        do {
            try store.commit(metadata: feedLengths, beforeWriting: synchronizeFeeds)
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
