/// The crawl's frontier: which URL to fetch next, and which never.
///
/// It puts together the seen-set (``FingerprintSet``: a URL is queued once),
/// the scope and trap limits (``CrawlScope``), page limits, robots.txt
/// (fetched once per host before the host's first page, through the
/// `robotsFetcher` the crawler provides, cached for ``robotsLifetime``), and
/// per-host politeness (``HostScheduler``). Many workers call ``next()`` and
/// ``complete(_:outcome:)`` at once; ``next()`` waits, without polling, until
/// a URL may go, and returns `nil` when the crawl is finished.
public actor Frontier: URLFrontier {
    private enum RobotsState {
        case fetching(held: [FrontierEntry])
        case known(RobotsTxt, expires: ContinuousClock.Instant)
    }

    /// The politeness and retry policy in force.
    public nonisolated let policy: PolitenessPolicy
    private var scheduler: HostScheduler
    private var seen = FingerprintSet()
    private let scope: CrawlScope
    private var seedHosts: Set<String> = []
    private let userAgent: String
    private let obeysRobots: Bool
    private let robotsFetcher: @Sendable (String) async -> RobotsFetchResult
    private var robots: [String: RobotsState] = [:]
    private var pagesPerHost: [String: Int] = [:]
    private var accepted = 0
    /// The most URLs accepted in all (nil: no limit).
    public let maxPages: Int?
    /// The most URLs accepted per host (nil: no limit).
    public let maxPagesPerHost: Int?
    /// How long a robots.txt answer is trusted.
    public let robotsLifetime: Duration
    /// The most URLs waiting (queued or held for robots.txt) in all (nil: no limit).
    public let maxQueued: Int?
    /// The most URLs waiting per host (nil: no limit).
    public let maxQueuedPerHost: Int?
    /// URLs accepted and not yet handed out, per host (retries not counted), for the queue bounds.
    private var waitingPerHost: [String: Int] = [:]
    private var waitingCount = 0
    /// Where URLs over the queue bounds wait in a resumable crawl (`nil`: they are refused).
    private let spill: SpillQueue?
    /// URLs to spill at the end of the current add (one transaction per page of links).
    private var spillBuffer: [FrontierEntry] = []
    /// The most URLs taken back from the spill file at once, per host.
    private static let refillBatch = 1024
    /// Where accepted and refused URLs are recorded for a resumable crawl.
    private let store: CrawlStateStore?
    private var waiters = WaiterList()
    /// The counters so far.
    public private(set) var counters = FrontierCounters()

    /// Creates a frontier.
    /// - Parameters:
    ///   - store: where accepted URLs are recorded, for a resumable crawl (see ``restore(_:)``).
    ///   - robotsFetcher: fetches `scheme://host:port/robots.txt` (the argument) for a host.
    public init(
        policy: PolitenessPolicy = PolitenessPolicy(),
        scope: CrawlScope,
        userAgent: String,
        obeysRobots: Bool = true,
        maxPages: Int? = nil,
        maxPagesPerHost: Int? = nil,
        robotsLifetime: Duration = .seconds(86_400),
        store: CrawlStateStore? = nil,
        robotsFetcher: @escaping @Sendable (String) async -> RobotsFetchResult
    ) {
        self.init(configuration: FrontierConfiguration(policy: policy, scope: scope, userAgent: userAgent, obeysRobots: obeysRobots,
                                                       maxPages: maxPages, maxPagesPerHost: maxPagesPerHost, robotsLifetime: robotsLifetime),
                  store: store, robotsFetcher: robotsFetcher)
    }

    /// Creates a frontier from a configuration.
    /// - Parameters:
    ///   - store: where accepted URLs are recorded, for a resumable crawl (see ``restore(_:)``).
    ///   - spill: where URLs over the queue bounds wait (read back as the queue
    ///     drains); without one they are refused and counted.
    ///   - robotsFetcher: fetches `scheme://host:port/robots.txt` (the argument) for a host.
    public init(configuration: FrontierConfiguration, store: CrawlStateStore? = nil, spill: sending SpillQueue? = nil,
                robotsFetcher: @escaping @Sendable (String) async -> RobotsFetchResult) {
        self.store = store
        self.spill = spill
        policy = configuration.policy
        scheduler = HostScheduler(policy: configuration.policy)
        scope = configuration.scope
        userAgent = configuration.userAgent
        obeysRobots = configuration.obeysRobots
        maxPages = configuration.maxPages
        maxPagesPerHost = configuration.maxPagesPerHost
        robotsLifetime = configuration.robotsLifetime
        maxQueued = configuration.maxQueued
        maxQueuedPerHost = configuration.maxQueuedPerHost
        self.robotsFetcher = robotsFetcher
    }

    /// Adds seeds: their hosts become the crawl's hosts for ``CrawlScope/Hosts/seedHosts``.
    public func addSeeds(_ entries: [FrontierEntry]) -> [FrontierAddOutcome] {
        for entry in entries where seedHosts.insert(entry.hostKey).inserted {
            store?.recordSeedHost(entry.hostKey)
        }
        return add(contentsOf: entries)
    }

    /// Offers a URL to the frontier.
    @discardableResult
    public func add(_ entry: FrontierEntry) -> FrontierAddOutcome {
        defer { flushSpill() }
        return offer(entry)
    }

    /// Offers a URL; one over a queue bound goes to ``spillBuffer`` when there is a spill file.
    private func offer(_ entry: FrontierEntry) -> FrontierAddOutcome {
        // The seen-set first: most links of a crawl point to pages already seen.
        if seen.contains(entry.fingerprint) {
            counters.duplicates += 1
            return .duplicate
        }
        if let rejection = scope.rejection(of: entry, seedHosts: seedHosts) {
            counters.rejected[rejection, default: 0] += 1
            return .rejected(rejection)
        }
        if Self.isOver(maxPages, accepted) || Self.isOver(maxPagesPerHost, pagesPerHost[entry.hostKey, default: 0]) {
            counters.pageLimited += 1
            return .pageLimitReached
        }
        let isOverQueueBound = Self.isOver(maxQueued, waitingCount) || Self.isOver(maxQueuedPerHost, waitingPerHost[entry.hostKey, default: 0])
        if isOverQueueBound, spill == nil {
            counters.queueLimited += 1
            return .queueLimitReached
        }
        seen.insert(entry.fingerprint)
        if obeysRobots, case .known(let file, let expires) = robots[entry.hostKey], expires > .now,
           !file.isAllowed(url: entry.url, userAgent: userAgent) {
            counters.robotsDenied += 1
            return .robotsDenied
        }
        reserve(entry)
        store?.recordQueued(entry)
        if isOverQueueBound {
            // Accepted, and waits on disk until its host's queue has room.
            spillBuffer.append(entry)
            counters.spilled += 1
        } else {
            admit(entry)
        }
        return .queued
    }

    /// Writes the URLs left over by the queue bounds to the spill file. If it
    /// cannot be written they are queued in memory rather than lost.
    private func flushSpill() {
        guard !spillBuffer.isEmpty else { return }
        let entries = spillBuffer
        spillBuffer = []
        do {
            try spill?.append(entries)
        } catch {
            for entry in entries { admit(entry) }
        }
    }

    /// Takes URLs of `hostKey` back from the spill file, as many as the queue bounds allow; whether any came.
    @discardableResult
    private func refill(host hostKey: String) -> Bool {
        guard let spill, spill.count(forHost: hostKey) > 0 else { return false }
        let hostRoom = maxQueuedPerHost.map { $0 - waitingPerHost[hostKey, default: 0] } ?? Int.max
        let globalRoom = maxQueued.map { $0 - waitingCount } ?? Int.max
        let room = min(hostRoom, globalRoom, Self.refillBatch)
        guard room > 0 else { return false }
        let entries = (try? spill.take(host: hostKey, limit: room)) ?? []
        for entry in entries { admit(entry) }
        return !entries.isEmpty
    }

    /// Refills every host with spilled URLs; whether any came.
    private func refillAll() -> Bool {
        guard let spill, spill.count > 0 else { return false }
        var any = false
        for hostKey in Array(spill.hosts) where refill(host: hostKey) { any = true }
        return any
    }

    /// Queues an accepted URL, or holds it until its host's robots.txt is known.
    private func admit(_ entry: FrontierEntry) {
        waitingCount += 1
        waitingPerHost[entry.hostKey, default: 0] += 1
        guard obeysRobots else { return enqueue(entry) }
        switch robots[entry.hostKey] {
        case .known(let file, let expires) where expires > .now:
            if file.isAllowed(url: entry.url, userAgent: userAgent) {
                enqueue(entry)
            } else {
                refuse(entry)
            }
        case .fetching(var held):
            held.append(entry)
            robots[entry.hostKey] = .fetching(held: held)
        case .known, nil:
            robots[entry.hostKey] = .fetching(held: [entry])
            let hostKey = entry.hostKey
            let fetcher = robotsFetcher
            Task { [weak self] in
                let result = await fetcher(RobotsFetchResult.url(forHostKey: hostKey))
                await self?.robotsArrived(result, hostKey: hostKey)
            }
        }
    }

    /// Goes on from a saved state: its URLs count as seen and against the
    /// page limits, and its queued URLs are queued again (after their hosts'
    /// robots.txt, fetched anew). Call before adding seeds.
    public func restore(_ state: PersistedFrontierState) {
        seedHosts.formUnion(state.seedHosts)
        for fingerprint in state.seen { seen.insert(fingerprint) }
        for done in state.done {
            seen.insert(done.fingerprint)
            accepted += 1
            pagesPerHost[done.hostKey, default: 0] += 1
        }
        for entry in state.queued where seen.insert(entry.fingerprint) {
            reserve(entry)
            if spill != nil, Self.isOver(maxQueued, waitingCount) || Self.isOver(maxQueuedPerHost, waitingPerHost[entry.hostKey, default: 0]) {
                spillBuffer.append(entry)
                counters.spilled += 1
            } else {
                admit(entry)
            }
        }
        flushSpill()
    }

    /// Offers many URLs at once (one hop onto the actor for a whole page of links).
    @discardableResult
    public func add(contentsOf entries: [FrontierEntry]) -> [FrontierAddOutcome] {
        defer { flushSpill() }
        return entries.map { offer($0) }
    }

    /// Marks a fingerprint as seen (for example a redirect's final URL);
    /// returns `true` when it was not seen before.
    public func markSeen(_ fingerprint: UInt64) -> Bool {
        seen.insert(fingerprint)
    }

    /// The next URL to fetch, when its host's politeness allows; waits until
    /// then. `nil` when nothing is queued, in flight, retrying or waiting for
    /// robots.txt, or when the calling task is cancelled.
    public func next() async -> FrontierEntry? {
        while !Task.isCancelled {
            if let entry = scheduler.next(now: .now) {
                if entry.attempt == 0 {
                    leftQueue(entry)
                    refillAfterTaking(entry)
                }
                // More may be ready: pass the baton to another waiter.
                if scheduler.queuedCount > 0 { wakeOne() }
                return entry
            }
            // Nothing ready: URLs waiting on disk may be.
            if refillAll() { continue }
            if isFinished {
                wakeAll()
                return nil
            }
            await waitForChange(until: scheduler.nextEventTime(now: .now))
        }
        return nil
    }

    /// Records how a URL from ``next()`` ended: frees its host's slot, and
    /// queues a retry when the outcome calls for one.
    ///
    /// Add the URLs found on the page *before* completing it: once nothing is
    /// queued or in flight the frontier is finished, and waiting workers leave.
    @discardableResult
    public func complete(_ entry: FrontierEntry, outcome: HostScheduler.Outcome) -> HostScheduler.CompletionResult {
        let result = scheduler.complete(entry, outcome: outcome, now: .now)
        switch result {
        case .retryScheduled: counters.retries += 1
        case .gaveUp: counters.gaveUp += 1
        case .done: break
        }
        // A slot is free (and a retry may be queued): one waiter can use it;
        // if the crawl is over, that waiter wakes the others.
        wakeOne()
        return result
    }

    /// Whether the crawl is over: nothing queued, in flight, retrying, held for robots.txt, or waiting on disk.
    public var isFinished: Bool {
        scheduler.isIdle && !robots.values.contains { if case .fetching = $0 { true } else { false } } && (spill?.count ?? 0) == 0
    }

    /// Nothing to do: the state store, when there is one, is committed by its
    /// owner (the crawler), together with the crawl's output.
    public func close() async throws {}

    /// URLs waiting in host queues.
    public var queuedCount: Int { scheduler.queuedCount }
    /// URLs handed out and not completed.
    public var inFlightCount: Int { scheduler.inFlightCount }
    /// Hosts seen.
    public var hostCount: Int { scheduler.hostCount }

    /// The robots.txt in force for a host, when known.
    public func robotsTxt(forHost hostKey: String) -> RobotsTxt? {
        if case .known(let file, _) = robots[hostKey] { return file }
        return nil
    }

    // MARK: Internals

    /// Takes URLs back from disk once the queue taken from is half empty (per host, or in all).
    private func refillAfterTaking(_ entry: FrontierEntry) {
        guard let spill, spill.count > 0 else { return }
        if spill.count(forHost: entry.hostKey) > 0,
           waitingPerHost[entry.hostKey, default: 0] <= (maxQueuedPerHost ?? Int.max) / 2 {
            refill(host: entry.hostKey)
        }
        if let maxQueued, waitingCount <= maxQueued / 2 {
            _ = refillAll()
        }
    }

    /// Whether `count` has reached `limit` (never, without a limit).
    private static func isOver(_ limit: Int?, _ count: Int) -> Bool {
        limit.map { count >= $0 } ?? false
    }

    /// An admitted URL no longer waits: handed out, or refused by robots.txt.
    private func leftQueue(_ entry: FrontierEntry) {
        waitingCount -= 1
        if let count = waitingPerHost[entry.hostKey] {
            waitingPerHost[entry.hostKey] = count > 1 ? count - 1 : nil
        }
    }

    private func reserve(_ entry: FrontierEntry) {
        accepted += 1
        pagesPerHost[entry.hostKey, default: 0] += 1
    }

    private func enqueue(_ entry: FrontierEntry) {
        scheduler.enqueue(entry)
        counters.queued += 1
        wakeOne()
    }

    /// A held URL that robots.txt turned out to disallow: it no longer counts
    /// against the page limits, and it is done.
    private func refuse(_ entry: FrontierEntry) {
        leftQueue(entry)
        counters.robotsDenied += 1
        accepted -= 1
        pagesPerHost[entry.hostKey, default: 1] -= 1
        store?.recordDone(entry)
    }

    private func robotsArrived(_ result: RobotsFetchResult, hostKey: String) {
        counters.robotsFetched += 1
        let file = result.robotsTxt
        var held: [FrontierEntry] = []
        if case .fetching(let waiting) = robots[hostKey] { held = waiting }
        robots[hostKey] = .known(file, expires: .now + robotsLifetime)
        if let delay = file.crawlDelay(for: userAgent) {
            scheduler.setCrawlDelay(delay, forHost: hostKey)
        }
        for entry in held {
            if file.isAllowed(url: entry.url, userAgent: userAgent) {
                scheduler.enqueue(entry)
                counters.queued += 1
            } else {
                refuse(entry)
            }
        }
        wakeAll()
    }

    private func waitForChange(until deadline: ContinuousClock.Instant?) async {
        let id = waiters.makeID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiters.insert(continuation, id: id)
                if let deadline {
                    Task { [weak self] in
                        try? await Task.sleep(until: deadline, clock: .continuous)
                        await self?.wake(id)
                    }
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.wake(id) }
        }
    }

    private func wake(_ id: Int) {
        waiters.remove(id)?.resume()
    }

    /// Wakes one waiting worker (the others stay asleep: no thundering herd).
    private func wakeOne() {
        waiters.takeOne()?.resume()
    }

    private func wakeAll() {
        for continuation in waiters.takeAll() { continuation.resume() }
    }
}
