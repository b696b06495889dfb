import AsyncURLSupport
import DequeModule

/// The crawl's frontier: which URL to fetch next, and which never.
///
/// It puts together the seen-set (`FingerprintSet`: a URL is queued once),
/// the scope and trap limits (``CrawlScope``), page limits, robots.txt
/// (fetched once per host before the host's first page, through the
/// `robotsFetcher` the crawler provides, at most
/// ``FrontierConfiguration/robotsFetchConcurrency`` at once, compiled once
/// and cached for ``robotsLifetime`` in a bounded LRU cache), and per-host
/// politeness (`HostScheduler`).
///
/// A robots.txt that cannot be fetched (time-out, 5xx, 429) is tried again
/// after a backoff while the host's URLs wait (RFC 9309: disallow while
/// unreachable); after ``FrontierConfiguration/robotsMaxAttempts`` tries the
/// host is given up, and so is a host whose `Crawl-delay` would keep its
/// queued URLs past the policy's ``PolitenessPolicy/hostTimeBudget``. Both
/// are told to the ``FrontierConfiguration/eventHandler``. Many workers call ``next()`` and
/// ``complete(_:outcome:)`` at once; ``next()`` waits, without polling, until
/// a URL may go, and returns `nil` when the crawl is finished.
public actor Frontier: URLFrontier {
    /// A host whose robots.txt is not known yet: its URLs are held.
    private struct RobotsWait {
        var held: HeldURLs
        /// Failed tries so far.
        var failures = 0
        /// When it may be tried again, after a failure.
        var retryAt: ContinuousClock.Instant?
    }

    /// The politeness and retry policy in force.
    public nonisolated let policy: PolitenessPolicy
    private var scheduler: HostScheduler
    private let seen: SpilledFingerprintSet
    private let scope: CrawlScope
    private var seedHosts: Set<String> = []
    /// Seed lists being added (``beginSeeding()``): the crawl is not finished meanwhile.
    private var seedings = 0
    private let obeysRobots: Bool
    private let robotsFetcher: @Sendable (String) async -> RobotsFetchResult
    private let configuration: FrontierConfiguration
    /// Hosts waiting for their robots.txt (only these: known files are in `robotsCache`).
    private var robots: [String: RobotsWait] = [:]
    private var robotsCache: RobotsRulesCache
    /// Hosts waiting for a robots.txt fetch slot, and the fetches running.
    private var robotsQueue = Deque<String>()
    private var robotsFetching = 0
    /// Hosts given up because their robots.txt could not be fetched.
    private var robotsGivenUp: Set<String> = []
    /// URLs accepted per host, kept only when there is a per-host page limit
    /// (a million hosts then cost no count each).
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
    /// URLs in memory (queued or held for robots.txt) and not yet handed out
    /// (retries not counted), for the queue bounds. Per host, the count is in
    /// the host's scheduler record (`HostScheduler.waiting(ofHost:)`), which
    /// lives while it is not zero: a URL's host key is hashed once per call.
    private var waitingCount = 0
    /// The estimated bytes of the URLs counted in `waitingCount`.
    private var waitingBytes = 0
    /// Where URLs over the queue bounds or the memory budget wait (`nil`: they are refused).
    private let spill: SpillQueue?
    /// The most bytes of queued URLs kept in memory (half the memory budget; `nil`: no budget).
    private let queueMemoryCap: Int?
    /// Hosts with URLs on disk and none in memory: refilled when nothing else is ready.
    /// (By their `SpillQueue.hostHash(_:)`: a host with all its URLs on disk keeps no key in memory.)
    private var starvedHosts: Set<UInt64> = []
    /// Failed reads from the spill runs in a row, per host (only hosts with a failure).
    private var spillReadFailuresPerHost: [UInt64: Int] = [:]
    /// Reads of a host's URLs from the spill runs tried before they are given up.
    static let spillReadAttempts = 3
    /// Where accepted and refused URLs are recorded for a resumable crawl.
    private let store: CrawlStateStore?
    private let wakeUps = FrontierWakeUps()
    /// URLs in flight whose host slot was freed when their response came
    /// (``releaseHostSlot(of:outcome:)``), by fingerprint, until completed.
    private var releasedSlots: [UInt64: Int] = [:]
    /// The counters so far.
    public private(set) var counters = FrontierCounters()

    /// Creates a frontier.
    /// - Parameters:
    ///   - policy: per-host concurrency, delay, AutoThrottle and retries.
    ///   - scope: which URLs the crawl may follow.
    ///   - userAgent: the agent matched against robots.txt groups.
    ///   - obeysRobots: whether robots.txt is fetched and obeyed.
    ///   - maxPages: the most URLs handed out in all (`nil`: no limit).
    ///   - maxPagesPerHost: the most URLs handed out per host (`nil`: no limit).
    ///   - robotsLifetime: how long a host's robots.txt answer is kept.
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
        self.init(
            configuration: FrontierConfiguration(
                policy: policy, scope: scope, userAgent: userAgent, obeysRobots: obeysRobots,
                maxPages: maxPages, maxPagesPerHost: maxPagesPerHost, robotsLifetime: robotsLifetime),
            store: store, robotsFetcher: robotsFetcher)
    }

    /// Creates a frontier from a configuration.
    /// - Parameters:
    ///   - configuration: politeness, scope, robots.txt and limits.
    ///   - store: where accepted URLs are recorded, for a resumable crawl (see ``restore(_:)``).
    ///   - spill: where URLs over the queue bounds wait (read back as the queue
    ///     drains); without one they are refused and counted.
    ///   - robotsFetcher: fetches `scheme://host:port/robots.txt` (the argument) for a host.
    public init(
        configuration: FrontierConfiguration, store: CrawlStateStore? = nil, spill: sending SpillQueue? = nil,
        robotsFetcher: @escaping @Sendable (String) async -> RobotsFetchResult
    ) {
        self.store = store
        // With a memory budget and no spill queue given, URLs wait in a temporary one.
        self.spill = spill ?? (configuration.memoryBudget == nil ? nil : try? SpillQueue())
        queueMemoryCap = configuration.memoryBudget.map { $0 / 2 }
        // The spill's buffer counts in the queues' share: a sixteenth of it at most.
        if let queueMemoryCap {
            self.spill?.bufferCapBytes = min(SpillQueue.defaultBufferCapBytes, max(4 << 10, queueMemoryCap / 16))
        }
        // A quarter of the budget for recent fingerprints; older ones go to runs beside the spilled URLs.
        seen = SpilledFingerprintSet(directory: self.spill?.directory, memoryBytes: configuration.memoryBudget.map { $0 / 4 })
        self.configuration = configuration
        robotsCache = RobotsRulesCache(configuration: configuration)
        policy = configuration.policy
        scheduler = HostScheduler(policy: configuration.policy)
        scope = configuration.scope
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

    /// Offers a URL; one over a queue bound waits on disk when there is a spill queue.
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
        // Per-host counts are looked up only when there is a per-host bound.
        if Self.isOver(maxPages, accepted) || maxPagesPerHost.map({ pagesPerHost[entry.hostKey, default: 0] >= $0 }) ?? false {
            counters.pageLimited += 1
            return .pageLimitReached
        }
        let isOverQueueBound =
            Self.isOver(maxQueued, waitingCount) || maxQueuedPerHost.map { waiting(ofHost: entry.hostKey) >= $0 } ?? false
        if isOverQueueBound, !mayWaitOnDisk(entry) {
            counters.queueLimited += 1
            return .queueLimitReached
        }
        seen.insertAbsent(entry.fingerprint)
        if !robotsGivenUp.isEmpty, robotsGivenUp.contains(entry.hostKey) {
            counters.robotsUnavailable += 1
            store?.recordOutcome(entry, code: .hostGivenUp, detail: Self.robotsUnavailable(entry.hostKey))
            return .robotsDenied
        }
        if scheduler.isGivenUp(entry.hostKey) {
            counters.pageLimited += 1
            store?.recordOutcome(entry, code: .hostGivenUp, detail: Self.overBudget(entry.hostKey))
            return .pageLimitReached
        }
        // The host's rules are looked up and matched once: a URL they allow
        // now is not matched again when it is queued.
        let rules = obeysRobots ? knownRobots(forHost: entry.hostKey) : nil
        if let rules, !rules.isAllowed(url: entry.url) {
            counters.robotsDenied += 1
            store?.recordOutcome(entry, code: .robots, detail: rules.refusal(url: entry.url))
            return .robotsDenied
        }
        reserve(entry)
        store?.recordQueued(entry)
        place(entry, arrival: scheduler.takeArrivalNumber(), allowedByRobots: rules != nil)
        return .queued
    }

    /// Keeps an accepted URL in memory, or on disk when memory is full or its
    /// host already has URLs on disk. Every URL of a host in memory goes out
    /// before every one on disk: a URL that goes out before the host's last
    /// one in memory takes its place, and that one goes to disk.
    /// `allowedByRobots`: the host's fresh rules were just found to allow it.
    private func place(_ entry: FrontierEntry, arrival: Int, allowedByRobots: Bool = false) {
        let hostKey = entry.hostKey
        // The host's key is hashed once here: its record, if any, is then used by id.
        let host = scheduler.hostID(ofHost: hostKey)
        guard let spill, mayWaitOnDisk(entry) else {
            admit(entry, arrival: arrival, host: host, allowedByRobots: allowedByRobots)
            return
        }
        let hostHash = spill.hostHash(hostKey)
        let onDisk = spill.count(forHash: hostHash)
        let inMemory = host.map { scheduler.waiting(ofHost: $0) } ?? 0
        let isFull = isMemoryFull(inMemory: inMemory)
        // Over half the budget, a host with nothing anywhere keeps its first URL in memory,
        // so it keeps its turn without a refill.
        // Past the cap itself (host records count), even a host's first URL waits on disk.
        let isAtCountBound = Self.isOver(maxQueuedPerHost, inMemory) || Self.isOver(maxQueued, waitingCount) || isOverMemoryCap
        guard onDisk > 0 || (isFull && (inMemory > 0 || isAtCountBound)) else {
            admit(entry, arrival: arrival, host: host, allowedByRobots: allowedByRobots)
            return
        }
        if let last = lastInMemory(ofHost: hostKey, host: host), HostScheduler.QueuePosition(entry, arrival: arrival) < last {
            let host = admit(entry, arrival: arrival, host: host)
            if isFull, let evicted = removeLastInMemory(ofHost: hostKey, host: host) {
                leftQueue(evicted.entry, host: host)
                spill.append(evicted.entry, arrival: evicted.arrival, hostHash: hostHash)
                counters.spilled += 1
            }
        } else {
            spill.append(entry, arrival: arrival, hostHash: hostHash)
            counters.spilled += 1
            // A host with none in memory is refilled when nothing else is ready.
            if inMemory == 0 { starvedHosts.insert(hostHash) }
        }
    }

    /// Whether the queues in memory are at a bound: the host's (it has
    /// `inMemory` URLs in memory), the global count, or half the memory budget.
    private func isMemoryFull(inMemory: Int) -> Bool {
        // Past half the budget a host keeps no more than its head in memory,
        // so a few huge hosts do not take the room every other host refills from.
        let isUnderPressure = queueMemoryCap.map { queueMemoryInUse >= $0 / 2 } ?? false
        return Self.isOver(maxQueuedPerHost, inMemory) || Self.isOver(maxQueued, waitingCount) || isOverMemoryCap
            || (isUnderPressure && inMemory >= max(1, configuration.queueHeadPerHost))
    }

    /// Where the host's URL in memory that goes out last stands (queued or held for robots.txt).
    /// - Parameters:
    ///   - hostKey: the host.
    ///   - host: its scheduler record's id (`nil`: it has none, so nothing in memory).
    private func lastInMemory(ofHost hostKey: String, host: HostScheduler.HostID?) -> HostScheduler.QueuePosition? {
        guard let host else { return nil }
        let last = scheduler.lastQueuedPosition(ofHost: host)
        guard !robots.isEmpty, let held = robots[hostKey]?.held.lastPosition else { return last }
        return last.map { max($0, held) } ?? held
    }

    /// Takes out the host's URL in memory that goes out last.
    private func removeLastInMemory(ofHost hostKey: String, host: HostScheduler.HostID) -> (entry: FrontierEntry, arrival: Int)? {
        let queued = scheduler.lastQueuedPosition(ofHost: host)
        if !robots.isEmpty, let held = robots[hostKey]?.held.lastPosition, queued.map({ $0 < held }) ?? true {
            return robots[hostKey]?.held.removeLast()
        }
        guard let removed = scheduler.removeLastQueued(ofHost: host) else { return nil }
        counters.queued -= 1
        return removed
    }

    /// The estimated bytes the queues take in memory: their URLs, the
    /// records of the hosts (with URLs queued, in flight or within their
    /// delay; with URLs on disk; waiting for a refill), and the spill's
    /// buffer and run indexes.
    private var queueMemoryInUse: Int {
        waitingBytes + scheduler.hostCount * HostScheduler.hostRecordBytes
            + (spill.map { $0.hostCount * SpillQueue.hostRecordBytes + $0.memoryBytes } ?? 0) + starvedHosts.count * Self.starvedHostBytes
    }

    /// Whether the queues' memory is at its cap (half the memory budget).
    private var isOverMemoryCap: Bool {
        queueMemoryCap.map { queueMemoryInUse >= $0 } ?? false
    }

    /// Estimated bytes of one host's entry in `starvedHosts` (slack included).
    private static let starvedHostBytes = 2 * MemoryLayout<UInt64>.stride

    /// The estimated bytes one URL takes in memory.
    private static func memoryCost(of entry: FrontierEntry) -> Int {
        // Measured: about 400 bytes a URL of 30 bytes in a host queue (entry, heap slack, strings).
        360 + entry.url.utf8.count + (entry.referrer?.utf8.count ?? 0) + (entry.payload?.count ?? 0)
    }

    /// Whether `entry` may wait in the spill queue: there is one, and its URL
    /// holds no credentials (which are never written to disk).
    private func mayWaitOnDisk(_ entry: FrontierEntry) -> Bool {
        spill != nil && !Self.mayHoldCredentials(entry.url) && !(entry.referrer.map(Self.mayHoldCredentials) ?? false)
    }

    /// Whether `url` holds credentials (`user:password@`); without an `@` it
    /// cannot, and is not copied to find out.
    private static func mayHoldCredentials(_ url: String) -> Bool {
        url.utf8.contains(UInt8(ascii: "@")) && url.removingURLCredentials() != url
    }

    /// Writes the URLs put on disk during this call to the spill queue. If it
    /// cannot be written they are queued in memory rather than lost.
    private func flushSpill() {
        guard let spill else { return }
        let refused = spill.flush()
        counters.spillWriteRefused += refused.count
        for (entry, arrival) in refused { admit(entry, arrival: arrival, host: nil) }
    }

    /// Takes URLs of a host back from the spill queue, up to its head
    /// (``FrontierConfiguration/queueHeadPerHost``) as far as the queue
    /// bounds allow, and at least one when it has none in memory; whether any came.
    /// - Parameters:
    ///   - hostHash: the host's `SpillQueue.hostHash(_:)` (URLs of hosts sharing it come too, each to its own host).
    ///   - inMemory: the host's URLs in memory.
    ///   - hostKey: the host's key, when known (for the event of a failed read).
    @discardableResult
    private func refill(hostHash: UInt64, inMemory: Int, hostKey: String?) -> Bool {
        // Starved again only when its last URL in memory leaves (`leftQueue`).
        starvedHosts.remove(hostHash)
        guard let spill, spill.count(forHash: hostHash) > 0 else { return false }
        let hostRoom = min(max(1, configuration.queueHeadPerHost), maxQueuedPerHost ?? .max) - inMemory
        let averageCost = waitingCount > 0 ? max(1, waitingBytes / waitingCount) : 256
        let globalRoom = min(
            maxQueued.map { $0 - waitingCount } ?? .max, queueMemoryCap.map { ($0 - queueMemoryInUse) / averageCost } ?? .max)
        let room = max(min(hostRoom, globalRoom), inMemory == 0 ? 1 : 0)
        guard room > 0 else { return false }
        let entries: [(entry: FrontierEntry, arrival: Int)]
        do {
            entries = try spill.take(hash: hostHash, limit: room)
        } catch {
            spillReadFailed(hostHash: hostHash, inMemory: inMemory, hostKey: hostKey, error: error)
            return false
        }
        if !spillReadFailuresPerHost.isEmpty { spillReadFailuresPerHost[hostHash] = nil }
        // The URLs come host by host: the id of the last one's host serves the next while the key is the same.
        var last: (key: String, host: HostScheduler.HostID)?
        for (entry, arrival) in entries {
            let known = last.flatMap { $0.key == entry.hostKey ? $0.host : nil }
            last = (entry.hostKey, admit(entry, arrival: arrival, host: known))
        }
        return !entries.isEmpty
    }

    /// A host's URLs could not be read back from the spill runs: counted and
    /// told; the host is tried again at the next refill, and after
    /// ``spillReadAttempts`` failures in a row its URLs on disk are given up
    /// (told with their number; a resumable crawl keeps them in its state's
    /// queue), so the host is never left waiting for URLs that cannot come.
    private func spillReadFailed(hostHash: UInt64, inMemory: Int, hostKey: String?, error: StateStoreError) {
        counters.spillReadFailures += 1
        let failures = spillReadFailuresPerHost[hostHash, default: 0] + 1
        var abandoned = 0
        if failures < Self.spillReadAttempts {
            spillReadFailuresPerHost[hostHash] = failures
            if inMemory == 0 { starvedHosts.insert(hostHash) }
        } else {
            spillReadFailuresPerHost[hostHash] = nil
            abandoned = spill?.abandon(hash: hostHash) ?? 0
            counters.spillAbandoned += abandoned
        }
        // A host refilled for having none in memory is known by its hash only (its key is on disk).
        let host = hostKey ?? "(host hash \(String(hostHash, radix: 16)))"
        configuration.eventHandler?(
            .spillReadFailed(host: host, error: error.description, abandonedURLs: abandoned, resumable: store != nil))
    }

    /// Refills up to 64 hosts with URLs on disk and none in memory (so one
    /// call stays short); whether any URL came.
    private func refillStarved() -> Bool {
        guard !starvedHosts.isEmpty else { return false }
        var any = false
        for hostHash in Array(starvedHosts.prefix(64)) where refill(hostHash: hostHash, inMemory: 0, hostKey: nil) { any = true }
        return any || !starvedHosts.isEmpty
    }

    /// Queues an accepted URL, or holds it until its host's robots.txt is
    /// known; returns its host's id (a record is made when it has none).
    /// - Parameters:
    ///   - entry: the URL.
    ///   - arrival: its arrival number.
    ///   - host: its host's id, when the caller knows it (`nil`: looked up).
    ///   - allowedByRobots: whether the host's fresh rules were just found to allow it (they are not matched again).
    @discardableResult
    private func admit(_ entry: FrontierEntry, arrival: Int, host: HostScheduler.HostID?, allowedByRobots: Bool = false)
        -> HostScheduler.HostID
    {
        let host = host ?? scheduler.makeHostID(forHost: entry.hostKey)
        waitingCount += 1
        waitingBytes += Self.memoryCost(of: entry)
        scheduler.changeWaiting(ofHost: host, by: 1)
        guard obeysRobots, !allowedByRobots else {
            enqueue(entry, arrival: arrival, host: host)
            return host
        }
        if !robotsGivenUp.isEmpty, robotsGivenUp.contains(entry.hostKey) {
            refuse(entry, code: .hostGivenUp, detail: Self.robotsUnavailable(entry.hostKey), robotsUnavailable: true)
        } else if let known = knownRobots(forHost: entry.hostKey) {
            if known.isAllowed(url: entry.url) {
                enqueue(entry, arrival: arrival, host: host)
            } else {
                refuse(entry, code: .robots, detail: known.refusal(url: entry.url))
            }
        } else if robots[entry.hostKey] != nil {
            robots[entry.hostKey]?.held.append(entry, arrival: arrival)
        } else {
            robots[entry.hostKey] = RobotsWait(held: HeldURLs(entry, arrival: arrival))
            robotsQueue.append(entry.hostKey)
            startRobotsFetches()
        }
        return host
    }

    /// A host's compiled robots.txt while it is cached and fresh.
    private func knownRobots(forHost hostKey: String) -> RobotsMatcher? {
        robotsCache.rules(forHost: hostKey)
    }

    /// Starts robots.txt fetches for waiting hosts while fewer than the limit run.
    private func startRobotsFetches() {
        while robotsFetching < max(1, configuration.robotsFetchConcurrency), let hostKey = robotsQueue.popFirst() {
            robotsFetching += 1
            let fetcher = robotsFetcher
            Task { [weak self] in
                let started = ContinuousClock.now
                let result = await fetcher(RobotsFetchResult.url(forHostKey: hostKey))
                await self?.robotsArrived(result, hostKey: hostKey, started: started)
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
            countPage(ofHost: done.hostKey, 1)
        }
        for entry in state.queued where seen.insert(entry.fingerprint) {
            reserve(entry)
            // Restored URLs are not refused: over a bound they wait on disk, or (with credentials) in memory.
            place(entry, arrival: scheduler.takeArrivalNumber())
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
            let changes = wakeUps.changes
            if let entry = nextIfReady() { return entry }
            if isFinished {
                wakeAll()
                return nil
            }
            await wakeUps.wait(until: scheduler.nextEventTime(now: .now), unlessChangedSince: changes)
        }
        return nil
    }

    /// The next URL whose host's politeness allows it now; `nil`, without
    /// waiting, when none may go yet.
    public func nextIfReady() -> FrontierEntry? {
        while true {
            if let (entry, host) = scheduler.nextWithHost(now: .now) {
                if entry.attempt == 0 {
                    leftQueue(entry, host: host)
                    refillAfterTaking(entry, host: host)
                }
                // More may be ready: pass the baton to another waiter.
                if scheduler.queuedCount > 0 { wakeOne() }
                return entry
            }
            // Nothing ready: URLs of hosts with none in memory may be.
            guard refillStarved() else { return nil }
        }
    }

    /// The next URL whose host's politeness allows it at `now`, without
    /// waiting: `nil` when none may go yet (for simulations with a clock of
    /// their own; see ``nextEventTime(now:)``).
    package func next(now: ContinuousClock.Instant) -> FrontierEntry? {
        while true {
            if let (entry, host) = scheduler.nextWithHost(now: now) {
                if entry.attempt == 0 {
                    leftQueue(entry, host: host)
                    refillAfterTaking(entry, host: host)
                }
                return entry
            }
            guard refillStarved() else { return nil }
        }
    }

    /// When a URL may next be ready without a completion (see `HostScheduler.nextEventTime(now:)`).
    package func nextEventTime(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        scheduler.nextEventTime(now: now)
    }

    /// What the seen-set and the spill runs take, for benchmarks and tests.
    package var storage: FrontierStorage {
        var storage = FrontierStorage(
            seenCount: seen.count, seenOnDisk: seen.countOnDisk, seenDiskBytes: seen.diskBytes, seenMemoryBytes: seen.memoryBytes,
            seenRuns: seen.runCount, seenMerges: seen.mergeCount, queuedInMemory: waitingCount, queuedMemoryBytes: waitingBytes,
            queuedOnDisk: spill?.count ?? 0, spillDiskBytes: spill?.diskBytes ?? 0)
        storage.hostRecords = scheduler.hostCount
        storage.hostsOnDisk = spill?.hostsWithURLs ?? 0
        storage.queueMemoryBytes = queueMemoryInUse
        return storage
    }

    /// Records how a URL from ``next()`` ended: frees its host's slot, and
    /// queues a retry when the outcome calls for one (see `HostScheduler`
    /// for which outcomes pause the whole host).
    ///
    /// Add the URLs found on the page *before* completing it: once nothing is
    /// queued or in flight the frontier is finished, and waiting workers leave.
    @discardableResult
    public func complete(_ entry: FrontierEntry, outcome: FetchOutcome) -> FrontierCompletion {
        complete(entry, outcome: outcome, now: .now)
    }

    /// ``complete(_:outcome:)`` at a given time (for simulations with a clock of their own).
    @discardableResult
    package func complete(_ entry: FrontierEntry, outcome: FetchOutcome, now: ContinuousClock.Instant) -> FrontierCompletion {
        let pausesBefore = scheduler.pauseCount
        let result = scheduler.complete(entry, outcome: outcome, now: now, slotReleased: takeReleasedSlot(of: entry))
        switch result {
        case .retryScheduled: counters.retries += 1
        case .gaveUp, .waitTooLong: counters.gaveUp += 1
        case .done, .claimLost: break
        }
        tellPause(ofHost: entry.hostKey, ifNewSince: pausesBefore, now: now)
        dropGivenUpRetries()
        // A slot is free (and a retry may be queued): one waiter can use it;
        // if the crawl is over, that waiter wakes the others.
        wakeOne()
        return result
    }

    /// Frees the host slot of a URL whose response is in, before the page is
    /// handled: the host's next URL may go out (after its delay from now)
    /// while this one is parsed. The URL stays in flight until
    /// ``complete(_:outcome:)``, which then frees no slot again.
    public func releaseHostSlot(of entry: FrontierEntry, outcome: FetchOutcome) {
        let now = ContinuousClock.now
        let pausesBefore = scheduler.pauseCount
        guard scheduler.releaseSlot(of: entry, outcome: outcome, now: now) else { return }
        releasedSlots[entry.fingerprint, default: 0] += 1
        tellPause(ofHost: entry.hostKey, ifNewSince: pausesBefore, now: now)
        wakeOne()
    }

    /// Tells the event handler of the host's pause when the scheduler's pause
    /// count rose past `pausesBefore` (an outcome just paused it).
    private func tellPause(ofHost hostKey: String, ifNewSince pausesBefore: Int, now: ContinuousClock.Instant) {
        guard scheduler.pauseCount > pausesBefore, let pause = scheduler.pause(ofHost: hostKey, now: now) else { return }
        configuration.eventHandler?(.hostPaused(host: hostKey, reason: pause.reason, remaining: pause.until - now))
    }

    /// Whether `entry`'s host slot was freed already (``releaseHostSlot(of:outcome:)``); forgets it.
    private func takeReleasedSlot(of entry: FrontierEntry) -> Bool {
        guard !releasedSlots.isEmpty, let count = releasedSlots[entry.fingerprint] else { return false }
        releasedSlots[entry.fingerprint] = count > 1 ? count - 1 : nil
        return true
    }

    /// Whether the crawl is over: nothing queued, in flight, retrying, held for robots.txt, or waiting on disk.
    public var isFinished: Bool {
        seedings == 0 && scheduler.isIdle && robots.isEmpty && (spill?.count ?? 0) == 0
    }

    /// `true`: the workers wait in ``next()`` while seeds are still being added.
    public nonisolated var acceptsSeedsWhileCrawling: Bool { true }

    /// Seeds are being added: ``isFinished`` stays `false` until ``endSeeding()``.
    public func beginSeeding() {
        seedings += 1
    }

    /// The seeds are all added: if that leaves nothing to do, the waiting workers leave.
    public func endSeeding() {
        seedings = max(0, seedings - 1)
        if isFinished { wakeAll() } else { wakeOne() }
    }

    /// What the frontier is doing, and why work waits when it does.
    public var activity: FrontierActivity {
        let now = ContinuousClock.now
        var activity = FrontierActivity()
        activity.queued = scheduler.queuedCount
        activity.inFlight = scheduler.inFlightCount
        activity.retrying = scheduler.retryingCount
        activity.robotsPending = robots.count
        activity.hosts = scheduler.hostCount
        activity.hostPauses = scheduler.pauseCount + counters.robotsRetries
        activity.givenUpHosts = scheduler.givenUpHostCount
        var soonest: HostPause?
        let paused = scheduler.pausedHosts(now: now)
        for pause in paused.values where soonest.map({ pause.until < $0.until }) ?? true {
            soonest = pause
        }
        var pausedHosts = paused.count
        for wait in robots.values {
            guard let retryAt = wait.retryAt, retryAt > now else { continue }
            pausedHosts += 1
            if soonest.map({ retryAt < $0.until }) ?? true { soonest = HostPause(until: retryAt, reason: .robots) }
        }
        activity.pausedHosts = pausedHosts
        activity.nextResumeAfter = soonest.map { $0.until - now }
        activity.nextResumeReason = soonest?.reason
        activity.nextRetryAfter = scheduler.nextRetryTime.map { max(.zero, $0 - now) }
        activity.nextStartAfter = scheduler.nextEventTime(now: now).map { max(.zero, $0 - now) }
        return activity
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
    public func robotsRules(forHost hostKey: String) -> RobotsMatcher? {
        knownRobots(forHost: hostKey)
    }

    /// Hosts whose robots.txt rules are cached.
    package var robotsCacheCount: Int { robotsCache.count }

    // MARK: Internals

    /// Takes URLs of the host back from disk once its head in memory is half empty.
    private func refillAfterTaking(_ entry: FrontierEntry, host: HostScheduler.HostID) {
        guard let spill else { return }
        let hostHash = spill.hostHash(entry.hostKey)
        guard spill.count(forHash: hostHash) > 0 else { return }
        let head = min(max(1, configuration.queueHeadPerHost), maxQueuedPerHost ?? .max)
        let inMemory = scheduler.waiting(ofHost: host)
        if inMemory <= head / 2 {
            refill(hostHash: hostHash, inMemory: inMemory, hostKey: entry.hostKey)
        }
    }

    /// Whether `count` has reached `limit` (never, without a limit).
    private static func isOver(_ limit: Int?, _ count: Int) -> Bool {
        limit.map { count >= $0 } ?? false
    }

    /// An admitted URL no longer waits: handed out, or refused by robots.txt.
    /// - Parameters:
    ///   - entry: the URL.
    ///   - host: its host's id, when the caller knows it (`nil`: looked up).
    private func leftQueue(_ entry: FrontierEntry, host: HostScheduler.HostID? = nil) {
        waitingCount -= 1
        waitingBytes -= Self.memoryCost(of: entry)
        guard let host = host ?? scheduler.hostID(ofHost: entry.hostKey) else { return }
        let count = scheduler.waiting(ofHost: host)
        guard count > 0 else { return }
        scheduler.changeWaiting(ofHost: host, by: -1)
        if count == 1, let spill {
            let hostHash = spill.hostHash(entry.hostKey)
            if spill.count(forHash: hostHash) > 0 { starvedHosts.insert(hostHash) }
        }
    }

    /// URLs of a host waiting in memory (queued or held for robots.txt).
    private func waiting(ofHost hostKey: String) -> Int {
        scheduler.hostID(ofHost: hostKey).map { scheduler.waiting(ofHost: $0) } ?? 0
    }

    private func countPage(ofHost hostKey: String, _ change: Int) {
        guard maxPagesPerHost != nil else { return }
        pagesPerHost[hostKey, default: 0] += change
    }

    private func reserve(_ entry: FrontierEntry) {
        accepted += 1
        countPage(ofHost: entry.hostKey, 1)
    }

    private func enqueue(_ entry: FrontierEntry, arrival: Int, host: HostScheduler.HostID) {
        guard scheduler.enqueue(entry, arrival: arrival, host: host) else { return drop(entry) }
        counters.queued += 1
        checkTimeBudget(of: entry.hostKey)
        wakeOne()
    }

    /// A URL of a given-up host: it no longer counts against the page limits, and it is done.
    private func drop(_ entry: FrontierEntry) {
        if entry.attempt == 0 { leftQueue(entry) }
        counters.pageLimited += 1
        accepted -= 1
        countPage(ofHost: entry.hostKey, -1)
        store?.recordDone(entry)
        store?.recordOutcome(entry, code: .hostGivenUp, detail: Self.overBudget(entry.hostKey))
    }

    /// Why URLs of a host whose robots.txt could not be fetched are not (for `--explain`).
    private static func robotsUnavailable(_ hostKey: String) -> String {
        URLDecision.robotsUnavailable(hostKey: hostKey)
    }

    /// Why URLs of a host given up for its time budget are not fetched (for `--explain`).
    private static func overBudget(_ hostKey: String) -> String {
        URLDecision.overBudget(hostKey: hostKey)
    }

    private func dropGivenUpRetries() {
        for entry in scheduler.takeDropped() { drop(entry) }
    }

    /// Gives a host up when its `Crawl-delay` would keep its URLs past the per-host time budget.
    private func checkTimeBudget(of hostKey: String) {
        guard scheduler.exceedsTimeBudget(hostKey), let budget = policy.hostTimeBudget else { return }
        let delay = scheduler.crawlDelay(ofHost: hostKey)
        let dropped = scheduler.giveUp(host: hostKey)
        for entry in dropped { drop(entry) }
        configuration.eventHandler?(
            .hostGivenUp(host: hostKey, reason: .crawlDelay(delay, queued: dropped.count, budget: budget), droppedURLs: dropped.count))
    }

    /// A held URL that robots.txt turned out to disallow (or that waited for
    /// a robots.txt that could not be fetched): it no longer counts against
    /// the page limits, and it is done.
    private func refuse(_ entry: FrontierEntry, code: URLDecision.Code, detail: String?, robotsUnavailable: Bool = false) {
        leftQueue(entry)
        if robotsUnavailable { counters.robotsUnavailable += 1 } else { counters.robotsDenied += 1 }
        accepted -= 1
        countPage(ofHost: entry.hostKey, -1)
        store?.recordDone(entry)
        store?.recordOutcome(entry, code: code, detail: detail)
    }

    private func robotsArrived(_ result: RobotsFetchResult, hostKey: String, started: ContinuousClock.Instant) {
        robotsFetching -= 1
        defer {
            startRobotsFetches()
            wakeAll()
        }
        counters.robotsFetched += 1
        guard var wait = robots[hostKey] else { return }
        if let failure = result.failure {
            wait.failures += 1
            guard wait.failures < max(1, configuration.robotsMaxAttempts) else {
                robots[hostKey] = nil
                robotsGivenUp.insert(hostKey)
                // Queued URLs of the host leave the queue bounds' count too.
                for entry in scheduler.giveUp(host: hostKey) where entry.attempt == 0 { leftQueue(entry) }
                for (entry, _) in wait.held.all {
                    refuse(entry, code: .hostGivenUp, detail: Self.robotsUnavailable(hostKey), robotsUnavailable: true)
                }
                configuration.eventHandler?(
                    .hostGivenUp(
                        host: hostKey, reason: .robotsUnavailable(attempts: wait.failures, lastFailure: failure),
                        droppedURLs: wait.held.count))
                return
            }
            // RFC 9309 §2.3.1.4: disallow while unreachable; the URLs wait and robots.txt is tried again.
            var backoff = configuration.robotsRetryBackoff
            for _ in 1..<wait.failures { backoff = min(backoff * 2, policy.maxRetryWait) }
            backoff = min(backoff, policy.maxRetryWait)
            let retryAt = ContinuousClock.now + backoff
            wait.retryAt = retryAt
            robots[hostKey] = wait
            counters.robotsRetries += 1
            configuration.eventHandler?(.hostPaused(host: hostKey, reason: .robots, remaining: backoff))
            Task { [weak self] in
                try? await Task.sleep(until: retryAt, clock: .continuous)
                await self?.retryRobots(of: hostKey)
            }
            return
        }
        robots[hostKey] = nil
        rulesArrived(result, hostKey: hostKey, held: wait.held, started: started)
    }

    /// Queues the URLs held for a host's robots.txt that it allows, and refuses the rest.
    private func rulesArrived(_ result: RobotsFetchResult, hostKey: String, held: HeldURLs, started: ContinuousClock.Instant) {
        let file = result.robotsTxt(maxRules: configuration.maxRobotsRules)
        counters.robotsRulesIgnored += file.ignoredRules
        let matcher = robotsCache.remember(file, forHost: hostKey)
        if let delay = matcher.crawlDelay {
            scheduler.setCrawlDelay(delay, forHost: hostKey)
            configuration.crawlDelayHandler?(hostKey, scheduler.crawlDelay(ofHost: hostKey))
        }
        for (entry, arrival) in held.all {
            if matcher.isAllowed(url: entry.url) {
                guard scheduler.enqueue(entry, arrival: arrival) else {
                    drop(entry)
                    continue
                }
                counters.queued += 1
            } else {
                refuse(entry, code: .robots, detail: matcher.refusal(url: entry.url))
            }
        }
        // robots.txt was a request to the host: its first page waits the host's delay after it.
        scheduler.noteRequest(toHost: hostKey, started: started, ended: .now)
        checkTimeBudget(of: hostKey)
    }

    /// Queues a host's robots.txt for another try once its backoff has passed.
    private func retryRobots(of hostKey: String) {
        guard robots[hostKey] != nil else { return }
        robots[hostKey]?.retryAt = nil
        robotsQueue.append(hostKey)
        startRobotsFetches()
    }

    /// Wakes one waiting worker (the others stay asleep: no thundering herd).
    private func wakeOne() {
        wakeUps.wakeOne()
    }

    private func wakeAll() {
        wakeUps.wakeAll()
    }
}
