import Archiving
import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import LinkExtraction
import Logging
import Rendering

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
    /// The lifecycle, the counters and the first output failure, under one lock.
    private let state = LockedState(Shared())
    /// Where the crawler reports problems (spider errors, unwritable feeds).
    public let logger: Logger
    /// The callbacks of queued requests, until they go out.
    private let callbacks: CallbackStore
    /// What the crawl emits through swift-metrics (see ``CrawlMetricLabel``).
    let metrics = CrawlMetrics()
    /// Hrefs resolved on earlier pages, per base directory (a site's navigation is resolved once per directory).
    let resolvedHrefs = ResolvedHrefCache()

    /// Callbacks kept for requests queued and not yet fetched (a diagnostic:
    /// only requests the frontier queued keep theirs, so it is zero once a crawl has run to its end).
    package var storedCallbackCount: Int { callbacks.count }

    /// Creates a crawler.
    /// - Parameters:
    ///   - spider: what the crawl starts from and how its pages are parsed.
    ///   - settings: limits, politeness, scope and where the frontier lives.
    ///   - itemFeeds: where scraped items go.
    ///   - pageLog: where one ``PageRecord`` per fetched URL goes, if anywhere.
    ///   - pipelines: steps every item passes before the feeds, in order.
    ///   - middlewares: hooks every request and response passes, in order.
    ///   - logger: where the crawler reports problems (spider errors, unwritable outputs, waits).
    public init(
        spider: Spider, settings: CrawlSettings = CrawlSettings(), itemFeeds: [FeedExporter] = [], pageLog: FeedExporter? = nil,
        pipelines: [any ItemPipeline] = [], middlewares: [any CrawlMiddleware] = [], logger: Logger = Logger(label: "AsyncURL.Crawler")
    ) {
        self.middlewares = middlewares
        self.logger = logger
        var settings = settings
        spider.customize(&settings)
        callbacks = CallbackStore(maxWarnedNames: settings.maxWarnedCallbackNames)
        self.spider = spider
        self.settings = settings
        self.itemFeeds = itemFeeds
        self.pageLog = pageLog
        self.pipelines = pipelines
    }

    /// What ``state`` guards.
    private struct Shared {
        var lifecycle = CrawlerStateMachine<LiveCrawl>()
        var stats = CrawlStats()
        /// When ``run()`` started.
        var started: ContinuousClock.Instant?
        /// The first failure to write a feed (a closed pipe, a full disk), which stopped the crawl.
        var outputFailure: FeedError?
        /// The start requests' reader failed while the workers ran, which stopped the crawl.
        var startFailure: CrawlError?
    }

    /// What a running crawl opened, kept by the lifecycle while the workers run.
    struct LiveCrawl: Sendable {
        let client: FetchClient
        let frontier: any URLFrontier
    }

    /// What a run opens before its start-up, used by every later step.
    private struct OpenedRun: Sendable {
        let scope: CrawlScope
        /// The spider's start requests; `nil` when it reads them (``Spider/startRequestReader()``).
        let startRequests: [CrawlRequest]?
        /// The start requests' URLs parsed once per authority (hosts, addresses, credentials).
        let seedAuthorities: SeedAuthorities
        let client: FetchClient
        let archive: WARCArchive?
        let output: CrawlOutput
        /// Renders the pages ``CrawlSettings/rendering`` chooses, if any.
        let renderer: PageRenderer?
    }

    // MARK: Lifecycle

    /// Stops scheduling new requests; requests in flight finish, then ``run()``
    /// returns. Those still running after ``CrawlSettings/stopGracePeriod`` are
    /// abandoned (and, in a resumable crawl, fetched again on resume).
    ///
    /// A stop during the start-up cancels it (opening a shared frontier,
    /// queueing the seeds) and no request goes out; a stop before ``run()``
    /// makes it return empty statistics at once. A second stop does nothing.
    public func stop() {
        perform(state.withLock { $0.lifecycle.stop() })
    }

    /// Stops now: requests in flight are abandoned (nothing is recorded for
    /// them, so a resumed crawl fetches them again) and ``run()`` returns.
    public func abandonInFlight() {
        guard case .abandon(let work, let live) = state.withLock({ $0.lifecycle.graceExpired() }) else { return }
        for item in work { item.cancel() }
        if let client = live?.client {
            Task { await client.shutdown() }
        }
    }

    /// The failure to write a feed or the page log (a pipe whose reader went
    /// away, a full disk) that stopped the crawl, if one did. The page being
    /// written when it happened is not marked done, so a resumed crawl
    /// fetches it again.
    public var outputFailure: FeedError? {
        state.withLock { $0.outputFailure }
    }

    /// The counters so far, with the seconds since ``run()`` started: what a
    /// process that must end at once (a second Ctrl-C) can still report.
    /// The frontier's counts (duplicates, robots.txt denials and the like) are
    /// added only when ``run()`` returns.
    public var statsSoFar: CrawlStats {
        state.withLock { shared in
            var stats = shared.stats
            if let started = shared.started { stats.elapsedSeconds = (ContinuousClock.now - started).inSeconds }
            stats.peakMemory = ResidentMemory.peakBytes() ?? 0
            return stats
        }
    }

    /// The counters so far, with the frontier's queue sizes.
    public func progress() async -> (stats: CrawlStats, queued: Int, inFlight: Int, hosts: Int) {
        let (snapshot, frontier) = state.withLock { ($0.stats, $0.lifecycle.resources?.frontier) }
        guard let frontier else { return (snapshot, 0, 0, 0) }
        return (snapshot, await frontier.queuedCount, await frontier.inFlightCount, await frontier.hostCount)
    }

    /// Runs the crawl to the end (or until ``stop()``) and returns its statistics.
    ///
    /// A crawler runs once: called again (or after ``stop()``), it returns
    /// empty statistics at once.
    /// - Throws: `CrawlError` when the crawl cannot start, or its frontier failed.
    public func run() async throws(CrawlError) -> CrawlStats {
        let started = ContinuousClock.now
        let action = state.withLock { shared in
            let action = shared.lifecycle.run()
            if case .start = action { shared.started = started }
            return action
        }
        switch action {
        case .returnEmpty: return CrawlStats()
        case .refuse: throw .alreadyRunning
        case .start: break
        }
        let deadline = startDeadline()
        defer {
            deadline?.cancel()
            state.withLock { $0.lifecycle.finished() }?.cancel()
        }
        let opened = try await openRun()
        let work: CrawlWork?
        do {
            work = try await startUp(opened)
        } catch {
            await opened.client.shutdown()
            await closeOutputs(opened, frontier: nil)
            throw error
        }
        if let work {
            await runWorkers(work, opened: opened)
        }
        return try await close(opened, frontier: work?.frontier, started: started)
    }

    /// Performs what the lifecycle asked after a stop: cancels the start-up or
    /// the workers, and starts the timer that abandons requests still in
    /// flight after the grace period.
    private func perform(_ action: CrawlerStateMachine<LiveCrawl>.StopAction) {
        guard case .cancelAndStartGraceTimer(let work) = action else { return }
        // Workers waiting for a URL leave; a worker busy with a page finishes it.
        work?.cancel()
        let grace = settings.stopGracePeriod
        let timer = Task { [weak self] in
            try? await Task.sleep(for: grace)
            guard !Task.isCancelled else { return }
            self?.abandonInFlight()
        }
        perform(state.withLock { $0.lifecycle.graceTimerStarted(timer) })
    }

    /// Cancels a task the lifecycle no longer wants.
    private func perform(_ action: CrawlerStateMachine<LiveCrawl>.RegistrationAction) {
        if case .cancel(let work) = action { work.cancel() }
    }

    // MARK: The steps of a run

    /// Checks the settings and opens the client, the archive and the writers.
    private func openRun() async throws(CrawlError) -> OpenedRun {
        if settings.recrawl != nil, settings.stateDirectory == nil {
            throw .invalidSettings("a recrawl needs a state directory (stateDirectory, --state)")
        }
        let scope = try makeScope()
        let (startRequests, seedAuthorities) = try await Self.startRequests(of: spider)
        let client: FetchClient
        do {
            client = try FetchClient(configuration: settings.fetchClientConfiguration(seedAuthorities: seedAuthorities))
        } catch {
            throw .clientUnavailable(error)
        }
        let archive: WARCArchive?
        do {
            archive = try settings.warc.map { settings throws(WARCError) in try WARCArchive(settings: settings) }
        } catch {
            await client.shutdown()
            throw .archiveUnavailable(error)
        }
        let renderer: PageRenderer?
        do throws(CrawlError) {
            renderer = try makeRenderer(client: client, archive: archive)
        } catch {
            try? archive?.close()
            await client.shutdown()
            throw error
        }
        let output = CrawlOutput(itemFeeds: itemFeeds, pageLog: pageLog, logger: logger)
        return OpenedRun(
            scope: scope, startRequests: startRequests, seedAuthorities: seedAuthorities, client: client, archive: archive, output: output,
            renderer: renderer)
    }

    /// The renderer of the pages ``CrawlSettings/rendering`` chooses (`nil` without
    /// rendering); their requests go through `client` and into `archive`.
    private func makeRenderer(client: FetchClient, archive: WARCArchive?) throws(CrawlError) -> PageRenderer? {
        guard let rendering = settings.rendering else { return nil }
        var archiving: (@Sendable (Response) -> Void)?
        if let archive {
            archiving = { [self] response in self.archive(response, in: archive) }
        }
        return try PageRenderer(rendering, crawl: settings, client: client, archiving: archiving, logger: logger)
    }

    /// The crawl's scope: the spider's allowed domains, or the settings' hosts, with the settings' patterns and limits.
    private func makeScope() throws(CrawlError) -> CrawlScope {
        let hosts: CrawlScope.Hosts = spider.allowedDomains.isEmpty ? settings.hosts : .domains(spider.allowedDomains)
        do {
            return try CrawlScope(
                hosts: hosts, allowPatterns: settings.allowPatterns, denyPatterns: settings.denyPatterns,
                maxDepth: settings.maxDepth, maxURLLength: settings.maxURLLength)
        } catch {
            throw .invalidSettings(error.description)
        }
    }

    /// Opens the state (of a resumable crawl), builds the frontier and queues
    /// the seeds, in a task a stop cancels. `nil` when a stop came before the
    /// frontier was built.
    private func startUp(_ opened: OpenedRun) async throws(CrawlError) -> CrawlWork? {
        let task = Task { () async -> Result<CrawlWork?, CrawlError> in
            do throws(CrawlError) {
                return .success(try await self.buildAndSeed(opened))
            } catch {
                return .failure(error)
            }
        }
        perform(state.withLock { $0.lifecycle.startupBegan(task) })
        let result = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        return try result.get()
    }

    /// Builds the frontier and queues the seeds, unless the start-up was cancelled meanwhile.
    private func buildAndSeed(_ opened: OpenedRun) async throws(CrawlError) -> CrawlWork? {
        let frontier: any URLFrontier
        let store: CrawlStateStore?
        do {
            (frontier, store) = try await buildFrontier(opened)
        } catch {
            // Stopped during the start-up: the frontier's failure says nothing more.
            if Task.isCancelled { return nil }
            throw .frontierUnavailable(error)
        }
        let seedHosts = Set(opened.seedAuthorities.authorities.map(\.hostKey))
        let recrawl = settings.recrawl.flatMap { recrawl in store.map { Recrawl(settings: recrawl, store: $0) } }
        let work = CrawlWork(
            crawler: self, client: opened.client, frontier: frontier, output: opened.output, scope: opened.scope,
            seedHosts: seedHosts, callbacks: callbacks, archive: opened.archive, recrawl: recrawl, renderer: opened.renderer,
            decisions: settings.recordsURLDecisions ? store ?? (frontier as? any URLDecisionRecording)?.decisionRecorder : nil)
        if let requests = opened.startRequests {
            if !Task.isCancelled { await work.offer(requests, base: nil, depth: 0, referrer: nil, asSeeds: true) }
        } else if frontier.acceptsSeedsWhileCrawling {
            // Added beside the workers (`runWorkers`): the first pages go out with the first batch.
            await frontier.beginSeeding()
        } else {
            try await offerStartRequests(to: work)
        }
        return work
    }

    /// The spider's start requests when it gives a list (`nil` when it gives
    /// a reader), and their URLs' authorities: a reader is read to its end
    /// for them, keeping only one request per authority.
    private static func startRequests(of spider: Spider) async throws(CrawlError) -> ([CrawlRequest]?, SeedAuthorities) {
        let reader: (any StartRequestReader)?
        do {
            reader = try spider.startRequestReader()
        } catch {
            throw .startRequestsUnavailable(error)
        }
        guard let reader else {
            let requests = spider.startRequests()
            return (requests, SeedAuthorities(seeds: requests.map(\.url)))
        }
        let pump = StartRequestPump(reader)
        defer { pump.close() }
        var authorities = SeedAuthorities.Builder()
        do {
            while let batch = try await pump.nextBatch() {
                for request in batch { authorities.add(request.url) }
            }
        } catch {
            throw .startRequestsUnavailable(error)
        }
        return (nil, SeedAuthorities(authorities))
    }

    /// Queues the start requests of the spider's reader a batch at a time,
    /// read on a thread of their own (``StartRequestPump``; the frontier keeps
    /// what does not fit its memory on disk), until they end or the start-up
    /// is cancelled.
    private func offerStartRequests(to work: CrawlWork) async throws(CrawlError) {
        do {
            guard let reader = try spider.startRequestReader() else { return }
            let pump = StartRequestPump(reader)
            defer { pump.close() }
            while !Task.isCancelled, !isStopping, let batch = try await pump.nextBatch() {
                await work.offer(batch, base: nil, depth: 0, referrer: nil, asSeeds: true)
            }
        } catch {
            throw .startRequestsUnavailable(error)
        }
    }

    /// The frontier of the run (resumable with a state directory), and the state store of a resumable one.
    private func buildFrontier(_ opened: OpenedRun) async throws -> (any URLFrontier, CrawlStateStore?) {
        var configuration = frontierConfiguration(scope: opened.scope)
        if let gate = opened.renderer?.gate {
            // A rendered page's own requests keep the host's Crawl-delay too.
            configuration.crawlDelayHandler = { host, delay in Task { await gate.setCrawlDelay(delay, forHost: host) } }
        }
        let robotsFetcher = robotsFetcher(client: opened.client, archive: opened.archive, gate: opened.renderer?.gate)
        guard let directory = settings.stateDirectory else {
            let frontier = try await settings.frontier.makeFrontier(configuration: configuration, robotsFetcher: robotsFetcher)
            // A shared frontier's slots hold the rendered pages' requests of every worker.
            opened.renderer?.accounting.share(frontier)
            return (frontier, nil)
        }
        return try await resumableFrontier(
            directory: directory, configuration: configuration, robotsFetcher: robotsFetcher,
            output: opened.output, seeds: opened.seedAuthorities)
    }

    /// The frontier's configuration from the settings; its events go to the log.
    private func frontierConfiguration(scope: CrawlScope) -> FrontierConfiguration {
        var policy = PolitenessPolicy(
            maxConcurrencyPerHost: settings.perHostConcurrency, delay: settings.delay,
            autoThrottle: settings.autoThrottle, maxRetries: settings.maxRetries,
            maxRetryWait: settings.maxRetryWait, maxCrawlDelay: settings.maxCrawlDelay, hostTimeBudget: settings.hostTimeBudget,
            hostFailureThreshold: settings.hostFailureThreshold, hostFailureWindow: settings.hostFailureWindow)
        policy.hostSettings = settings.hostSettings
        var configuration = FrontierConfiguration(
            policy: policy, scope: scope, userAgent: settings.userAgent, obeysRobots: settings.obeysRobots,
            maxPages: settings.maxPages, maxPagesPerHost: settings.maxPagesPerHost,
            maxQueued: settings.maxQueuedURLs, maxQueuedPerHost: settings.maxQueuedURLsPerHost)
        configuration.robotsFetchConcurrency = settings.robotsFetchConcurrency
        configuration.robotsMaxAttempts = settings.robotsMaxAttempts
        configuration.robotsRetryBackoff = settings.robotsRetryBackoff
        configuration.maxRobotsRules = settings.maxRobotsRules
        configuration.robotsCacheSize = settings.robotsCacheSize
        configuration.memoryBudget = settings.memoryBudget
        configuration.recordsDecisions = settings.recordsURLDecisions
        configuration.reportsRecords = true
        let logger = logger
        configuration.eventHandler = { event in
            logger.notice("\(Self.logLine(for: event))")
            if case .hostGivenUp(let host, .robotsUnavailable(_, let reason), _) = event {
                self.record { $0.recordRobotsUnavailable(hostKey: host, reason: reason) }
                self.metrics.countError("robotsUnavailable")
            }
        }
        return configuration
    }

    /// Fetches a host's robots.txt with `client` (see `Request.robotsTxt(_:)`),
    /// through `gate` when the crawl renders; a failure is told with its reason (`connection refused`).
    private func robotsFetcher(client: FetchClient, archive: WARCArchive?, gate: HostGate?) -> FrontierFactory.RobotsFetcher {
        { url in
            var request = Request.robotsTxt(url)
            request.capturesExchange = archive != nil
            if let agent = self.settings.hostSettings.settings(forHostKey: url)?.userAgent {
                request.headers.add(name: "User-Agent", value: agent)
            }
            let gateKey = HostGate.key(of: url)
            await gate?.enter(gateKey)
            let result: Result<Response, FetchError>
            do throws(FetchError) {
                result = .success(try await client.fetch(request))
            } catch {
                result = .failure(error)
            }
            await gate?.leave(gateKey)
            switch result {
            case .success(let response):
                self.archive(response, in: archive)
                return .response(status: response.status, body: Array(response.body))
            case .failure(let error):
                return .failed(reason: error.reason)
            }
        }
    }

    /// Runs the workers until the frontier runs dry or the crawl stops, with
    /// the waiting log and (in a resumable crawl) the checkpoints beside them.
    private func runWorkers(_ work: CrawlWork, opened: OpenedRun) async {
        let concurrency = max(1, settings.concurrency)
        let seedsWhileCrawling = opened.startRequests == nil && work.frontier.acceptsSeedsWhileCrawling
        let workers = Task {
            await withTaskGroup(of: Void.self) { group in
                if seedsWhileCrawling { group.addTask { await self.seedWhileCrawling(work) } }
                for _ in 0..<concurrency {
                    group.addTask { await work.runWorker() }
                }
            }
        }
        let background = [startWaitingLog(), startCheckpoints(opened.output), metrics.sample(work.frontier)].compactMap { $0 }
        perform(state.withLock { $0.lifecycle.started(LiveCrawl(client: opened.client, frontier: work.frontier), workers: workers) })
        await withTaskCancellationHandler {
            await workers.value
        } onCancel: {
            workers.cancel()
        }
        for task in background {
            task.cancel()
            await task.value
        }
    }

    /// Adds the spider's start requests a batch at a time while the workers
    /// fetch the first ones, then lets the frontier finish. A reader that
    /// fails stops the crawl, and ``run()`` throws its error at the end.
    private func seedWhileCrawling(_ work: CrawlWork) async {
        do {
            try await offerStartRequests(to: work)
        } catch {
            stopOnce(for: error, logging: "cannot read the start requests; the crawl stops") { shared in
                guard shared.startFailure == nil else { return false }
                shared.startFailure = error
                return true
            }
        }
        await work.frontier.endSeeding()
    }

    /// Logs why the crawl waits, when work is queued and nothing is in flight:
    /// when the reason changes, and every 30 s while it lasts.
    private func startWaitingLog() -> Task<Void, Never> {
        Task { [weak self] in
            var lastLogged: (key: String, at: ContinuousClock.Instant)?
            while !Task.isCancelled, let self {
                try? await Task.sleep(for: .seconds(1))
                guard let message = await self.waitingMessage() else {
                    lastLogged = nil
                    continue
                }
                let key = message.filter { !$0.isNumber }
                if let last = lastLogged, last.key == key, ContinuousClock.now - last.at < .seconds(30) { continue }
                self.logger.notice("\(message)")
                lastLogged = (key, .now)
            }
        }
    }

    /// Commits the resumable state a few times a second (no task without a state directory).
    private func startCheckpoints(_ output: CrawlOutput) -> Task<Void, Never>? {
        guard settings.stateDirectory != nil else { return nil }
        let interval = settings.checkpointInterval
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await output.checkpoint()
            }
        }
    }

    /// Shuts the client down, closes the archive, the frontier and the
    /// writers, and returns the run's statistics.
    private func close(_ opened: OpenedRun, frontier: (any URLFrontier)?, started: ContinuousClock.Instant) async throws(CrawlError)
        -> CrawlStats
    {
        let cookiesRefused = opened.client.cookiesRefused
        // The browser first: its pages' requests go through the client.
        let rendering = await opened.renderer?.shutdown()
        await opened.client.shutdown()
        let failure = await frontier?.failure
        await closeOutputs(opened, frontier: frontier)
        if let failure { throw .frontierFailed(failure) }
        if let startFailure = state.withLock({ $0.startFailure }) { throw startFailure }
        var counts: (counters: FrontierCounters, activity: FrontierActivity)?
        if let frontier { counts = (await frontier.counters, await frontier.activity) }
        let elapsed = (ContinuousClock.now - started).inSeconds
        return state.withLock { shared in
            var stats = shared.stats
            if let counts { Self.add(counts.counters, counts.activity, to: &stats) }
            stats.elapsedSeconds = elapsed
            stats.cookiesRefused = cookiesRefused
            stats.archivedRecords = opened.archive?.recordCount ?? 0
            stats.browserRestarts = rendering?.browserRestarts ?? 0
            stats.browserPeakMemory = rendering?.peakBrowserMemory ?? 0
            stats.peakMemory = ResidentMemory.peakBytes() ?? 0
            shared.stats = stats
            return stats
        }
    }

    /// Sets the frontier's counts in a run's statistics.
    private static func add(_ counters: FrontierCounters, _ activity: FrontierActivity, to stats: inout CrawlStats) {
        stats.hostPauses = activity.hostPauses
        stats.hostsGivenUp = activity.givenUpHosts
        stats.robotsRulesIgnored = counters.robotsRulesIgnored
        // Added to the stored links a recrawl knew for duplicates without offering them.
        stats.duplicates += counters.duplicates
        stats.offScope = counters.rejected[.offScope] ?? 0
        stats.limited = counters.pageLimited + counters.queueLimited + counters.rejected.filter { $0.key != .offScope }.values.reduce(0, +)
        stats.queueLimited = counters.queueLimited
        stats.queuedOnDisk = counters.spilled
        stats.robotsDenied = counters.robotsDenied
        stats.robotsUnavailable = counters.robotsUnavailable
        stats.retries = counters.retries
    }

    /// Closes the archive, then the frontier, the state store and the writers.
    private func closeOutputs(_ opened: OpenedRun, frontier: (any URLFrontier)?) async {
        do {
            try opened.archive?.close()
        } catch {
            logger.error("cannot finish the WARC archive", metadata: ["error": "\(error)"])
        }
        await opened.output.close(frontier: frontier)
    }

    /// Why the crawl waits, when work is queued and nothing is in flight
    /// (`waiting: 1 host paused until 21:37:05 (Retry-After)`); `nil` otherwise.
    public func waitingMessage() async -> String? {
        guard let frontier = state.withLock({ $0.lifecycle.resources?.frontier }) else { return nil }
        return Self.waitingMessage(for: await frontier.activity)
    }

    /// The waiting message for a frontier's activity (see ``waitingMessage()``).
    public static func waitingMessage(for activity: FrontierActivity) -> String? {
        guard activity.isStalled else { return nil }
        var parts: [String] = []
        if activity.pausedHosts > 0, let after = activity.nextResumeAfter {
            let reason = activity.nextResumeReason.map { " (\($0.rawValue))" } ?? ""
            parts.append(
                "\(activity.pausedHosts) host\(activity.pausedHosts == 1 ? "" : "s") paused until \(WallClock.time(after: after))\(reason)")
        }
        let fetchingRobots = activity.robotsPending - (activity.nextResumeReason == .robots ? 1 : 0)
        if fetchingRobots > 0, activity.pausedHosts == 0 {
            parts.append("robots.txt of \(activity.robotsPending) host\(activity.robotsPending == 1 ? "" : "s") being fetched")
        }
        if activity.retrying > 0, let after = activity.nextRetryAfter {
            parts.append(
                "\(activity.retrying) URL\(activity.retrying == 1 ? "" : "s") to retry, the first at \(WallClock.time(after: after))")
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
        case .hostGivenUp, .spillReadFailed:
            event.description
        }
    }

    // MARK: Used by the workers

    var isStopping: Bool { state.withLock { $0.lifecycle.isStopping } }

    var isAbandoned: Bool { state.withLock { $0.lifecycle.isAbandoned } }

    /// Updates the counters; a crawl that reaches ``CrawlSettings/maxBytes``
    /// or ``CrawlSettings/maxItems`` with it stops (as ``stop()`` does).
    func record(_ update: (inout CrawlStats) -> Void) {
        let stop: (reason: String, action: CrawlerStateMachine<LiveCrawl>.StopAction)? = state.withLock { shared in
            update(&shared.stats)
            guard let reason = reachedLimit(shared.stats), !shared.lifecycle.isStopping else { return nil }
            return (reason, shared.lifecycle.stop())
        }
        guard let stop else { return }
        logger.notice("stopping: \(stop.reason)")
        perform(stop.action)
    }

    /// Which of ``CrawlSettings/maxBytes`` and ``CrawlSettings/maxItems`` `stats` reached, as a log line; `nil`: neither.
    private func reachedLimit(_ stats: CrawlStats) -> String? {
        if let maxBytes = settings.maxBytes, stats.bytes >= maxBytes {
            return "\(stats.bytes) body bytes received, the limit is \(maxBytes) (maxBytes)"
        }
        if let maxItems = settings.maxItems, stats.items >= maxItems {
            return "\(stats.items) items written, the limit is \(maxItems) (maxItems)"
        }
        return nil
    }

    /// Stops the crawl gracefully once ``CrawlSettings/maxTime`` has passed (no task without a limit).
    private func startDeadline() -> Task<Void, Never>? {
        guard let maxTime = settings.maxTime else { return nil }
        return Task { [weak self] in
            try? await Task.sleep(for: maxTime)
            guard !Task.isCancelled, let self, !self.isStopping else { return }
            self.logger.notice("stopping: the crawl ran for \(maxTime.inSeconds) s (maxTime)")
            self.stop()
        }
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
            recordError("archive")
            stop()
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

    /// Stops the crawl after a feed could not be written (once: later failures are the same).
    func stopForOutputFailure(_ error: FeedError) {
        stopOnce(for: error, logging: "cannot write a feed; the crawl stops") { shared in
            guard shared.outputFailure == nil else { return false }
            shared.outputFailure = error
            return true
        }
    }

    /// Stops the crawl for a failure that `record` keeps in the shared state,
    /// and logs it, when `record` says it is the first of its kind.
    private func stopOnce(for error: any Error, logging message: Logger.Message, _ record: (inout Shared) -> Bool) {
        let action: CrawlerStateMachine<LiveCrawl>.StopAction? = state.withLock { shared in
            guard record(&shared) else { return nil }
            return shared.lifecycle.stop()
        }
        guard let action else { return }
        logger.error(message, metadata: ["error": "\(error)"])
        perform(action)
    }

    // MARK: Resumable state

    /// Opens the state directory (cutting the feeds back to its last
    /// checkpoint) and builds a frontier that goes on from it.
    /// The store keeps URLs without credentials: those of the seeds (given
    /// again on resume) go back on the queued URLs of the seeds' hosts.
    private func resumableFrontier(
        directory: String, configuration: FrontierConfiguration, robotsFetcher: @escaping FrontierFactory.RobotsFetcher,
        output: CrawlOutput, seeds: SeedAuthorities
    ) async throws -> (Frontier, CrawlStateStore) {
        var (store, saved) = try await output.openState(
            directory: directory, lock: settings.stateDirectoryLock, recrawls: settings.recrawl != nil)
        store.recordsDecisions = settings.recordsURLDecisions
        let credentials = Self.credentials(of: seeds)
        if !credentials.isEmpty {
            saved.queued = saved.queued.map { entry in
                guard let userinfo = credentials[entry.hostKey], let separator = entry.url.firstRange(of: "://") else { return entry }
                var entry = entry
                entry.url.insert(contentsOf: userinfo, at: separator.upperBound)
                return entry
            }
        }
        // URLs over the queue bounds wait on disk beside the state.
        let frontier = Frontier(
            configuration: configuration, store: store, spill: try SpillQueue(directory: directory), robotsFetcher: robotsFetcher)
        if !saved.isEmpty {
            logger.info(
                "resuming a crawl", metadata: ["state": "\(directory)", "queued": "\(saved.queued.count)", "done": "\(saved.done.count)"])
            await frontier.restore(saved)
        }
        return (frontier, store)
    }

    /// The userinfo (`user:password@`) of the seeds that have one, by host key.
    private static func credentials(of seeds: SeedAuthorities) -> [String: String] {
        var credentials: [String: String] = [:]
        for authority in seeds.authorities {
            guard let userinfo = authority.userinfo, credentials[authority.hostKey] == nil else { continue }
            credentials[authority.hostKey] = userinfo
        }
        return credentials
    }
}
