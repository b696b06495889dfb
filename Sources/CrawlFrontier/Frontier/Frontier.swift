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
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiterID = 0
    /// The counters so far.
    public private(set) var counters = FrontierCounters()

    /// Creates a frontier.
    /// - Parameters:
    ///   - robotsFetcher: fetches `scheme://host:port/robots.txt` (the argument) for a host.
    public init(
        policy: PolitenessPolicy = PolitenessPolicy(),
        scope: CrawlScope,
        userAgent: String,
        obeysRobots: Bool = true,
        maxPages: Int? = nil,
        maxPagesPerHost: Int? = nil,
        robotsLifetime: Duration = .seconds(86_400),
        robotsFetcher: @escaping @Sendable (String) async -> RobotsFetchResult
    ) {
        self.policy = policy
        scheduler = HostScheduler(policy: policy)
        self.scope = scope
        self.userAgent = userAgent
        self.obeysRobots = obeysRobots
        self.maxPages = maxPages
        self.maxPagesPerHost = maxPagesPerHost
        self.robotsLifetime = robotsLifetime
        self.robotsFetcher = robotsFetcher
    }

    /// Creates a frontier from a configuration.
    /// - Parameters:
    ///   - robotsFetcher: fetches `scheme://host:port/robots.txt` (the argument) for a host.
    public init(configuration: FrontierConfiguration, robotsFetcher: @escaping @Sendable (String) async -> RobotsFetchResult) {
        self.init(policy: configuration.policy, scope: configuration.scope, userAgent: configuration.userAgent,
                  obeysRobots: configuration.obeysRobots, maxPages: configuration.maxPages,
                  maxPagesPerHost: configuration.maxPagesPerHost, robotsLifetime: configuration.robotsLifetime,
                  robotsFetcher: robotsFetcher)
    }

    /// Adds seeds: their hosts become the crawl's hosts for ``CrawlScope/Hosts/seedHosts``.
    public func addSeeds(_ entries: [FrontierEntry]) -> [FrontierAddOutcome] {
        for entry in entries { seedHosts.insert(entry.hostKey) }
        return entries.map { add($0) }
    }

    /// Offers a URL to the frontier.
    @discardableResult
    public func add(_ entry: FrontierEntry) -> FrontierAddOutcome {
        // The seen-set first: most links of a crawl point to pages already seen.
        if seen.contains(entry.fingerprint) {
            counters.duplicates += 1
            return .duplicate
        }
        if let rejection = scope.rejection(of: entry, seedHosts: seedHosts) {
            counters.rejected[rejection, default: 0] += 1
            return .rejected(rejection)
        }
        if let maxPages, accepted >= maxPages {
            counters.pageLimited += 1
            return .pageLimitReached
        }
        if let maxPagesPerHost, pagesPerHost[entry.hostKey, default: 0] >= maxPagesPerHost {
            counters.pageLimited += 1
            return .pageLimitReached
        }
        seen.insert(entry.fingerprint)
        guard obeysRobots else { return accept(entry) }
        switch robots[entry.hostKey] {
        case .known(let file, let expires) where expires > .now:
            guard file.isAllowed(url: entry.url, userAgent: userAgent) else {
                counters.robotsDenied += 1
                return .robotsDenied
            }
            return accept(entry)
        case .fetching(var held):
            held.append(entry)
            robots[entry.hostKey] = .fetching(held: held)
            reserve(entry)
            return .queued
        case .known, nil:
            robots[entry.hostKey] = .fetching(held: [entry])
            reserve(entry)
            let hostKey = entry.hostKey
            let fetcher = robotsFetcher
            Task { [weak self] in
                let result = await fetcher(Self.robotsURL(forHostKey: hostKey))
                await self?.robotsArrived(result, hostKey: hostKey)
            }
            return .queued
        }
    }

    /// Offers many URLs at once (one hop onto the actor for a whole page of links).
    @discardableResult
    public func add(contentsOf entries: [FrontierEntry]) -> [FrontierAddOutcome] {
        entries.map { add($0) }
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
                // More may be ready: pass the baton to another waiter.
                if scheduler.queuedCount > 0 { wakeOne() }
                return entry
            }
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

    /// Whether the crawl is over: nothing queued, in flight, retrying, or held for robots.txt.
    public var isFinished: Bool {
        scheduler.isIdle && !robots.values.contains { if case .fetching = $0 { true } else { false } }
    }

    /// Keeps nothing outside memory: nothing to write.
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

    private func reserve(_ entry: FrontierEntry) {
        accepted += 1
        pagesPerHost[entry.hostKey, default: 0] += 1
    }

    private func accept(_ entry: FrontierEntry) -> FrontierAddOutcome {
        reserve(entry)
        scheduler.enqueue(entry)
        counters.queued += 1
        wakeOne()
        return .queued
    }

    private func robotsArrived(_ result: RobotsFetchResult, hostKey: String) {
        counters.robotsFetched += 1
        let file: RobotsTxt = switch result {
        case .response(let status, let body): RobotsTxt.from(status: status, body: body)
        case .unreachable: .disallowAll
        }
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
                counters.robotsDenied += 1
                // It was counted against the page limits while held; give that back.
                accepted -= 1
                pagesPerHost[entry.hostKey, default: 1] -= 1
            }
        }
        wakeAll()
    }

    private func waitForChange(until deadline: ContinuousClock.Instant?) async {
        let id = nextWaiterID
        nextWaiterID += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiters[id] = continuation
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
        waiters.removeValue(forKey: id)?.resume()
    }

    /// Wakes one waiting worker (the others stay asleep: no thundering herd).
    private func wakeOne() {
        guard let id = waiters.keys.first else { return }
        wake(id)
    }

    private func wakeAll() {
        let all = waiters
        waiters.removeAll()
        for continuation in all.values { continuation.resume() }
    }

    /// `scheme://host:port/robots.txt` for a host key.
    static func robotsURL(forHostKey hostKey: String) -> String {
        hostKey + "/robots.txt"
    }
}
