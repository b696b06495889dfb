import AsyncURLSupport
import CrawlFrontier

#if canImport(Glibc)
    import Glibc
#endif

/// A frontier shared by many crawler processes, kept in Redis: start
/// `asyncurl-crawl --frontier redis://HOST:PORT/NAME` on as many machines as
/// you like and they crawl `NAME` together (as scrapy-redis does).
///
/// Everything the workers must agree on lives under `asyncurl:{NAME}:` (one
/// Redis Cluster hash slot, see `RedisKeys`) and changes only through
/// atomic Lua scripts (`RedisFrontierScripts`, called by
/// `RedisFrontierWire`): the
/// seen-set of 64-bit fingerprints, one queue per host (priority, then depth:
/// breadth-first), each host's in-flight count and next allowed start (the
/// politeness delay and the per-host limit hold across all workers together),
/// robots.txt answers, the page limits and the counters.
///
/// A URL handed out by ``next()`` is a *lease* (`RedisLeaseKeeper`): this worker renews it every
/// third of ``RedisFrontierOptions/leaseTimeout`` while the fetch runs. A
/// worker that dies (even with SIGKILL) stops renewing; once its leases
/// expire the next claim by any worker puts those URLs back in their queues.
/// A URL is therefore fetched at least once; twice only if a worker lost its
/// lease (it hung or lost Redis for a whole lease time) and still finished.
///
/// robots.txt is fetched by one worker per host (`RedisRobotsCache`): the first to need it takes
/// a lock key (with an expiry, in case it dies), fetches and stores the body
/// (for the robots lifetime); the others wait for it. It is checked when a
/// URL is claimed (and when links are added, once this worker knows the host's
/// file); a denied URL is dropped and gives its page-limit slot back.
///
/// ``next()`` returns `nil` only when the crawl is finished everywhere: the
/// crawl was seeded, and nothing is queued, leased or waiting for a retry. A
/// worker with nothing to do while another still fetches waits: that page's
/// links may be more work. Waiting workers sleep until a notification (the
/// `wake` list, popped with `BLPOP` by one listener per process), the next
/// host's allowed start, or ``RedisFrontierOptions/maxIdleWait``.
///
/// Shared too: a `429`'s host pause, a host's failure window (failures on
/// `PolitenessPolicy/hostFailureThreshold` distinct URLs pause it), each
/// URL's own `Retry-After` deadline (`delayed`), a failing robots.txt's
/// backoff and give-up, and hosts given up for their `Crawl-delay` budget:
/// what one worker learns holds for all.
///
/// AutoThrottle (when the policy has it) keeps one estimate per host in
/// Redis, moved by every worker's responses: a host's delay is the longest
/// of the policy's, its robots.txt `Crawl-delay` and that estimate. Not
/// shared: ``counters`` (this worker's own; the crawl's totals are in
/// ``RedisCrawlStatus``).
public final class RedisFrontier: URLFrontier, URLDecisionRecording {
    private struct LocalState {
        var counters = FrontierCounters()
        /// Fingerprints this worker knows the crawl has seen (the shared set
        /// only grows), and those its robots.txt copy refused: most links point
        /// to pages seen already, and these need no trip to Redis (nor a robots.txt match).
        var knownSeen = FingerprintSet()
        /// Claims on the wire now (at most ``RedisFrontier/maxConcurrentClaims``).
        var claiming = 0
        /// Tasks in ``RedisFrontier/next()`` now: how many URLs one claim asks for.
        var callers = 0
        /// URLs claimed by a claim for several, not handed out yet (their leases are held and renewed).
        var claimed: [FrontierEntry] = []
        /// Completion batches on the wire that claim URLs along for the tasks
        /// in ``RedisFrontier/next()``: those wait for them rather than claim.
        var claimsAlong = 0
        var isClosed = false
        /// Whether a call telling Redis which output is written is due.
        var acknowledgementDue = false
        /// URLs put back after their host's robots.txt was fetched for them
        /// (see ``RedisFrontier/putsBack(afterRobots:)``); at most ``RedisFrontier/maxPutBack``.
        var putBack: Set<UInt64> = []
    }

    /// URLs remembered as put back for robots.txt at most (past it the set starts again).
    static let maxPutBack = 4096

    /// The politeness and retry policy in force.
    public let policy: PolitenessPolicy
    /// Where the crawl lives.
    public let url: RedisFrontierURL
    /// The options in force.
    public let options: RedisFrontierOptions
    /// This worker's name in the crawl's `workers` set: `HOST-PID-RANDOM`.
    public let workerID: String
    private let configuration: FrontierConfiguration
    let wire: RedisFrontierWire
    /// Where what the crawl decided about each URL is recorded (`nil`: recording is off).
    let decisions: RedisDecisionRecorder?
    private let listenerConnection: RedisConnection
    private let leases: RedisLeaseKeeper
    private let completions: RedisCompletionQueue
    private let additions: RedisAddQueue
    private let robots: RedisRobotsCache
    private let state = LockedState(LocalState())
    private let wakeUps = FrontierWakeUps()
    private let tasks = LockedState<[Task<Void, Never>]>([])
    /// Numbers this worker's host slots (see `RedisFrontier+HostSlots.swift`).
    let slotNumbers = LockedState<UInt64>(0)

    /// The most claims one process has on the wire at once: the others wait
    /// for a wake-up instead of asking Redis again and again while nothing is
    /// ready. 4 measured best on the crawl benchmark (`--with-redis`, one
    /// worker: 0.85x and 0.76x of the in-memory speed in two runs, against
    /// 0.73x with 2 and 0.53x with 8).
    static let maxConcurrentClaims = 4

    /// The most URLs one claim takes: as many as tasks wait in ``next()``
    /// (shared among the claims on the wire), 16 at most.
    static let maxClaimBatch = 16

    /// The most URLs sent to Redis in one script call.
    static let addBatchSize = 512

    /// Connects to the crawl's Redis server (two connections: commands, and
    /// one that waits for notifications) and registers this worker.
    /// - Parameters:
    ///   - url: the server, the crawl's name and the credentials.
    ///   - configuration: the crawl's rules (every worker should give the same).
    ///   - options: leases, time-outs and retries.
    ///   - robotsFetcher: fetches `scheme://host:port/robots.txt` (the argument).
    public init(
        url: RedisFrontierURL, configuration: FrontierConfiguration, options: RedisFrontierOptions = RedisFrontierOptions(),
        robotsFetcher: @escaping FrontierFactory.RobotsFetcher
    ) async throws(RedisError) {
        self.url = url
        self.options = options
        self.configuration = configuration
        policy = configuration.policy
        let connection = try await url.connect(connectTimeout: options.connectTimeout)
        listenerConnection = try await url.connect(connectTimeout: options.connectTimeout)
        let workerID = Self.makeWorkerID()
        self.workerID = workerID
        let keys = RedisKeys(crawl: url.name)
        decisions = configuration.recordsDecisions ? RedisDecisionRecorder(keys: keys, connection: connection) : nil
        wire = RedisFrontierWire(
            connection: connection, keys: keys, policy: configuration.policy,
            maxAttempts: options.maxAttempts, outageTimeout: options.outageTimeout, decisions: decisions)
        leases = RedisLeaseKeeper(wire: wire, leaseTimeout: options.leaseTimeout, workerID: workerID)
        completions = RedisCompletionQueue(wire: wire, workerID: workerID)
        additions = RedisAddQueue(wire: wire, limits: Self.limits(of: configuration), maxBatch: Self.addBatchSize)
        robots = RedisRobotsCache(
            wire: wire, configuration: configuration, lockTimeout: options.robotsLockTimeout, workerID: workerID,
            fetcher: robotsFetcher)
        try await leases.renew()
        startBackgroundTasks()
    }

    deinit {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    // MARK: URLFrontier

    /// Adds seeds; their hosts join the crawl's seed hosts (shared by all workers).
    /// The seed URLs are kept too (``RedisCrawlStatus/seeds(of:connectTimeout:)``), so workers started without seeds can learn them.
    /// They are kept without user name and password: a worker that learned a
    /// seed from Redis, and gives it back, finds it recorded and it counts as a duplicate.
    public func addSeeds(_ entries: [FrontierEntry]) async -> [FrontierAddOutcome] {
        guard !entries.isEmpty else { return [] }
        let shown = entries.map { Array(RedisFrontierEntryCoding.withoutUserInfo($0.url).utf8) }
        let keys = wire.keys
        let replies =
            await wire.withRetries { () async throws(RedisError) -> [RedisReply] in
                try await self.wire.connection.pipeline(
                    [[Array("HGET".utf8), keys.stats, Array("seeded".utf8)]]
                        + shown.map { [Array("SISMEMBER".utf8), keys.seedURLs, $0] }
                        + [[Array("SADD".utf8), keys.seedURLs] + shown])
            } ?? []
        let isSeeded = replies.first.map { $0 != .null } ?? false
        var outcomes = [FrontierAddOutcome?](repeating: nil, count: entries.count)
        var offered: [Int] = []
        for index in entries.indices {
            if isSeeded, replies.count > index + 1, replies[index + 1].int == 1 {
                outcomes[index] = .duplicate
                state.withLock { $0.counters.duplicates += 1 }
            } else {
                offered.append(index)
            }
        }
        let added = await offer(offered.map { entries[$0] }, areSeeds: true)
        for (position, index) in offered.enumerated() { outcomes[index] = added[position] }
        return outcomes.map { $0 ?? .duplicate }
    }

    /// Offers URLs found on a page: those it cannot decide alone go to Redis
    /// with other pages' waiting then (`RedisAddQueue`), 512 URLs at most per call.
    @discardableResult
    public func add(contentsOf entries: [FrontierEntry]) async -> [FrontierAddOutcome] {
        await offer(entries, areSeeds: false)
    }

    /// Marks a fingerprint as seen in the shared seen-set; `true` when it was new.
    /// (When Redis cannot be reached it answers `true`: a page fetched twice beats one lost.)
    public func markSeen(_ fingerprint: UInt64) async -> Bool {
        let added = await wire.withRetries { () async throws(RedisError) -> Bool in try await self.wire.markSeen(fingerprint) }
        if added != nil { state.withLock { _ = $0.knownSeen.insert(fingerprint) } }
        return added ?? true
    }

    /// Always `nil`: every URL goes through ``next()``. Claims are sized by
    /// the tasks waiting there and the URLs a claim brings are handed to
    /// them, so a URL taken past them would leave a woken task with nothing
    /// and cost one more round trip to Redis.
    public func nextIfReady() async -> FrontierEntry? { nil }

    /// The next URL whose host may start now, claimed for this worker; waits
    /// until there is one. `nil` when the crawl is finished everywhere, the
    /// task is cancelled, the frontier is closed, or Redis stayed unreachable.
    public func next() async -> FrontierEntry? {
        state.withLock { $0.callers += 1 }
        defer { state.withLock { $0.callers -= 1 } }
        while !Task.isCancelled, !state.withLock({ $0.isClosed }) {
            if let buffered = state.withLock({ $0.claimed.isEmpty ? nil : $0.claimed.removeFirst() }) {
                if let entry = await admitted(buffered) { return entry }
                continue
            }
            let changesBefore = wakeUps.changes
            if state.withLock({ $0.claimsAlong > 0 }) {
                // A completion batch brings URLs for the tasks that wait (see receive(_:)).
                await waitForChange(upTo: options.maxIdleWait, unlessChangedSince: changesBefore)
                continue
            }
            guard let most = reserveClaim() else {
                await waitForChange(upTo: options.maxIdleWait, unlessChangedSince: changesBefore)
                continue
            }
            let answer = await wire.withRetries { () async throws(RedisError) -> RedisFrontierWire.ClaimReply in
                try await self.wire.claim(leaseTimeout: self.options.leaseTimeout, token: self.workerID, most: most)
            }
            state.withLock { $0.claiming -= 1 }
            guard let reply = answer else {
                // Redis stayed unreachable: the worker gives up (see `failure`).
                if wire.failure != nil { stopBackgroundWork() }
                return nil
            }
            switch reply {
            case .claimed(let claimed, let unreadable, let more):
                for raw in unreadable { await finishUnreadable(raw) }
                guard let first = claimed.first else { continue }
                hand(claimed, more: more)
                if let entry = await admitted(first.entry) { return entry }
            case .finished:
                wakeAll()
                return nil
            case .wait(let hint):
                await waitForChange(upTo: min(options.maxIdleWait, hint ?? options.maxIdleWait), unlessChangedSince: changesBefore)
            }
        }
        return nil
    }

    /// Takes a claim slot; how many URLs the claim asks for (`nil`: every slot is taken).
    private func reserveClaim() -> Int? {
        state.withLock { local -> Int? in
            guard local.claiming < Self.maxConcurrentClaims else { return nil }
            local.claiming += 1
            let wanted = max(1, local.callers - local.claimed.count)
            return min(Self.maxClaimBatch, (wanted + local.claiming - 1) / local.claiming)
        }
    }

    /// Holds the leases of a claim; all but the first URL (the caller's) wait
    /// for the other tasks in ``next()``, one woken for each.
    private func hand(_ claimed: [RedisLease], more: Bool) {
        for lease in claimed { leases.hold(lease) }
        if claimed.count > 1 {
            state.withLock { $0.claimed.append(contentsOf: claimed.dropFirst().map(\.entry)) }
            for _ in 1..<claimed.count { wakeOne() }
        }
        if more { wakeOne() }
    }

    /// How many URLs the tasks waiting in ``next()`` want, for a claim made
    /// along with a completion batch (see `RedisCompletionQueue.ClaimsAlong`).
    /// A batch that asks for some is on the wire until ``receive(_:)``.
    private func claimsWanted() -> Int {
        state.withLock { local in
            let wanted = local.isClosed ? 0 : max(0, min(Self.maxClaimBatch, local.callers - local.claimed.count - local.claiming))
            if wanted > 0 { local.claimsAlong += 1 }
            return wanted
        }
    }

    /// Takes the URLs a completion batch claimed (`nil`: none came, the
    /// batch failed or was answered from Redis' record): each waits for a
    /// task in ``next()``, one woken for each, and one more to claim for itself;
    /// those this code cannot read are finished.
    private func receive(_ reply: RedisFrontierWire.ClaimReply?) {
        state.withLock { $0.claimsAlong -= 1 }
        // One more than the URLs that came: it claims for itself, as a task that
        // found nothing buffered would (and passes the turn on when it gets more).
        defer { wakeOne() }
        guard case .claimed(let claimed, let unreadable, let more) = reply else { return }
        // Not awaited here: this runs inside the completion queue's send.
        for raw in unreadable { Task { await self.finishUnreadable(raw) } }
        for lease in claimed { leases.hold(lease) }
        state.withLock { $0.claimed.append(contentsOf: claimed.map(\.entry)) }
        for _ in claimed { wakeOne() }
        if more { wakeOne() }
    }

    /// Ends a claimed lease this code did not write (and cannot read) as
    /// failed, so that it does not come back.
    private func finishUnreadable(_ raw: String) async {
        guard let hostKey = raw.split(separator: "\n", maxSplits: 1).first else { return }
        _ = await finish(raw, hostKey: String(hostKey), end: .done(.failed))
    }

    /// The claimed entry, or `nil` when robots.txt forbids it (its lease then
    /// ends as denied), or cannot be fetched yet (the URL goes back to its
    /// queue and the host pauses until robots.txt is tried again), or never
    /// could (the host is given up).
    private func admitted(_ entry: FrontierEntry) async -> FrontierEntry? {
        guard configuration.obeysRobots else { return entry }
        var isUnavailable = false
        switch await robots.rules(forHost: entry.hostKey) {
        case .rules(let matcher, let fetchedHere):
            guard matcher.isAllowed(url: entry.url) else {
                decisions?.recordOutcome(entry, code: .robots, detail: matcher.refusal(url: entry.url))
                break
            }
            guard fetchedHere, hasDelay(entry.hostKey, robots: matcher), putsBack(afterRobots: entry),
                let held = leases.take(for: entry)
            else { return entry }
            // robots.txt was just fetched from the host: the URL goes back, and
            // the host's delay runs from that request's end, as in one process.
            _ = await finish(held.raw, hostKey: held.hostKey, end: .release, ended: .now)
            return nil
        case .retryAfter(let wait):
            if let held = leases.take(for: entry) {
                _ = await finish(held.raw, hostKey: held.hostKey, end: .release)
            }
            state.withLock { $0.counters.robotsRetries += 1 }
            configuration.eventHandler?(.hostPaused(host: entry.hostKey, reason: .robots, remaining: wait))
            return nil
        case .givenUp(let failures, let news):
            // Told by the worker that gave the host up; the others only refuse its URLs.
            if let news {
                configuration.eventHandler?(
                    .hostGivenUp(
                        host: entry.hostKey, reason: .robotsUnavailable(attempts: failures, lastFailure: news.lastFailure),
                        droppedURLs: news.dropped + 1))
            }
            isUnavailable = true
            decisions?.recordOutcome(entry, code: .hostGivenUp, detail: URLDecision.robotsUnavailable(hostKey: entry.hostKey))
        }
        if let held = leases.take(for: entry) {
            _ = await finish(held.raw, hostKey: held.hostKey, end: isUnavailable ? .robotsUnavailable : .denied)
        }
        state.withLock { local in
            if isUnavailable { local.counters.robotsUnavailable += 1 } else { local.counters.robotsDenied += 1 }
        }
        return nil
    }

    /// Records how a claimed URL ended: ends its lease, frees its host's
    /// slot, and queues a retry (with the attempt counted) when the outcome calls for one.
    @discardableResult
    public func complete(_ entry: FrontierEntry, outcome: FetchOutcome) async -> FrontierCompletion {
        // None held: given back when the worker stopped; the URL is queued for whoever takes it.
        guard let lease = leases.take(for: entry) else { return .claimLost }
        var retry = entry
        retry.attempt += 1
        let result: FrontierCompletion
        let end: LeaseEnd
        let signal: RedisFrontierWire.HostSignal =
            switch outcome {
            case .success: .success
            case .hostBusy(let wait): .pause(wait)
            case .retryAfter, .transientFailure: .failure(entry.fingerprint)
            case .permanentFailure: .none
            }
        switch outcome {
        case .success:
            (end, result) = (.done(.success), .done)
        case .permanentFailure:
            (end, result) = (.done(.failed), .done)
        case .hostBusy(let retryWait) where retryWait > policy.maxRetryWait,
            .retryAfter(let retryWait) where retryWait > policy.maxRetryWait:
            (end, result) = (.done(.waitTooLong), .waitTooLong(asked: retryWait))
        case .hostBusy(let asked), .retryAfter(let asked), .transientFailure(let asked):
            // 429: queued again at once, its host paused (the signal, shared by
            // every worker); 503 and other failures: this URL only waits.
            // (For a transient failure `asked` is its latency: the backoff applies.)
            let isHostWide = if case .hostBusy = outcome { true } else { false }
            let wait = if case .transientFailure = outcome { policy.backoff(beforeRetry: retry.attempt) } else { max(.zero, asked) }
            if entry.attempt >= policy.maxRetries {
                (end, result) = (.done(.gaveUp), .gaveUp)
            } else {
                (end, result) = (
                    isHostWide ? .retryNow(wait: wait, retry: retry) : .retryLater(wait: wait, retry: retry),
                    .retryScheduled(at: .now + wait)
                )
            }
        }
        // A finished URL's output is written after this answer; Redis keeps it until told so (see ``recorded(_:)``).
        let writesOutput = configuration.reportsRecords && end.kind == "done"
        // Its request ended by now: the host's delay runs from here too (the slot was held until now).
        let reply = await completions.complete(
            .init(
                lease: lease.raw, hostKey: lease.hostKey, end: end, signal: signal, sample: Self.latencySample(of: outcome),
                writesOutput: writesOutput, ended: .now))
        if reply?.isFinished == true { wakeAll() } else { wakeOne() }
        // Expired and queued again (another worker owns the URL now), or Redis could not be told: not this worker's to record.
        guard let reply, reply.wasHeld else { return .claimLost }
        if writesOutput { completions.ledger.accepted(entry.fingerprint, batch: reply.batch) }
        state.withLock { local in
            switch result {
            case .retryScheduled: local.counters.retries += 1
            case .gaveUp, .waitTooLong: local.counters.gaveUp += 1
            case .done, .claimLost: break
            }
        }
        return result
    }

    /// Whether requests to a host are spaced at all: a delay (the policy's or
    /// its rule's), AutoThrottle, or a `Crawl-delay` in its robots.txt.
    private func hasDelay(_ hostKey: String, robots: RobotsMatcher) -> Bool {
        let limits = policy.limits(forHost: hostKey)
        return limits.delay > .zero || limits.autoThrottle != nil || (robots.crawlDelay ?? .zero) > .zero
    }

    /// Whether a URL whose claim fetched its host's robots.txt goes back to
    /// its queue (the host's delay then runs from that fetch): once. Claimed
    /// again and robots.txt fetched again (a robots.txt cache smaller than
    /// the crawl's hosts dropped it meanwhile), it is fetched, so no URL goes
    /// round for ever.
    private func putsBack(afterRobots entry: FrontierEntry) -> Bool {
        state.withLock { local in
            if local.putBack.remove(entry.fingerprint) != nil { return false }
            if local.putBack.count >= Self.maxPutBack { local.putBack.removeAll(keepingCapacity: true) }
            local.putBack.insert(entry.fingerprint)
            return true
        }
    }

    /// What an outcome tells the host's AutoThrottle estimate, if anything.
    private static func latencySample(of outcome: FetchOutcome) -> RedisFrontierWire.LatencySample? {
        switch outcome {
        case .success(let latency): .init(latency: latency, succeeded: true)
        case .transientFailure(let latency): .init(latency: latency, succeeded: false)
        case .hostBusy, .retryAfter, .permanentFailure: nil
        }
    }

    /// `true`: a claim can expire and go to another worker, so a URL's output
    /// is written only once ``complete(_:outcome:)`` accepted its end.
    public var fencesOutput: Bool { true }

    /// Notes that a completed URL's output is written. Redis is told with the
    /// worker's next completion batch, or within 50 ms (one call for all
    /// written meanwhile): until then Redis keeps the URL, and queues it
    /// again should this worker die first; the crawl is not finished before.
    public func recorded(_ entry: FrontierEntry) async {
        guard completions.ledger.written(entry.fingerprint) != nil else { return }
        let starts = state.withLock { local -> Bool in
            guard !local.acknowledgementDue, !local.isClosed else { return false }
            local.acknowledgementDue = true
            return true
        }
        guard starts else { return }
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(50))
            await self?.acknowledgeWritten(requeuingRest: false)
        }
    }

    /// Tells Redis up to which batch this worker's output is written (with
    /// `requeuingRest`, the URLs of later batches go back to their queues: the worker stops).
    private func acknowledgeWritten(requeuingRest: Bool) async {
        // A timer that fires after close(): close() said it all.
        let closed = state.withLock { local -> Bool in
            local.acknowledgementDue = false
            return local.isClosed
        }
        if closed && !requeuingRest { return }
        let ledger = completions.ledger
        // Stopping: everything is written but the batches still outstanding, which never will be.
        let written = requeuingRest ? ledger.lastBatch : ledger.writtenThrough
        let unwritten = requeuingRest ? ledger.unwrittenBatches : []
        let finished = await wire.withRetries { () async throws(RedisError) -> Bool in
            try await self.wire.acknowledge(worker: self.workerID, through: written, stops: requeuingRest, unwritten: unwritten)
        }
        guard let finished else { return }
        ledger.told(written)
        if finished { wakeAll() }
    }

    /// The crawl's activity (all workers'), read from Redis: queues, pauses,
    /// given-up hosts, and when the soonest pause or retry ends. Only this
    /// worker's queue sizes when Redis cannot be read.
    public var activity: FrontierActivity {
        get async {
            var activity = FrontierActivity()
            guard let status = try? await RedisCrawlStatus.read(using: wire) else {
                activity.inFlight = leases.count
                return activity
            }
            activity.queued = status.queued
            activity.inFlight = status.inFlight
            activity.retrying = status.retrying
            activity.hosts = status.hosts
            activity.pausedHosts = status.pausedHosts
            activity.hostPauses = status.hostPauses
            activity.givenUpHosts = status.givenUpHosts
            activity.nextResumeAfter = status.nextResumeMilliseconds.map { .milliseconds($0) }
            activity.nextResumeReason = status.nextResumeReason.flatMap(HostPause.Reason.init(rawValue:))
            activity.nextRetryAfter = status.nextRetryMilliseconds.map { .milliseconds($0) }
            return activity
        }
    }

    /// Records what the crawl decided about each URL in Redis, for `--explain`
    /// (`nil` when `FrontierConfiguration/recordsDecisions` is off).
    public var decisionRecorder: (any URLDecisionRecorder)? { decisions }

    /// This worker's counters (the crawl's totals: ``RedisCrawlStatus``).
    public var counters: FrontierCounters {
        get async {
            var counters = state.withLock { $0.counters }
            counters.robotsFetched = robots.fetchedCount
            return counters
        }
    }

    /// URLs waiting in the crawl's host queues (all workers'); 0 when Redis cannot be read.
    public var queuedCount: Int {
        get async {
            let reply = try? await wire.connection.send([Array("HGET".utf8), wire.keys.stats, Array("pending".utf8)])
            return Int(reply?.int ?? 0)
        }
    }

    /// URLs this worker has claimed and not completed.
    public var inFlightCount: Int {
        get async { leases.count }
    }

    /// Hosts of the crawl (all workers'); 0 when Redis cannot be read.
    public var hostCount: Int {
        get async {
            let reply = try? await wire.connection.send([Array("SCARD".utf8), wire.keys.hosts])
            return Int(reply?.int ?? 0)
        }
    }

    /// Redis calls that failed (each retried, see ``RedisFrontierOptions/outageTimeout``), and the last error.
    public var redisErrors: (count: Int, last: RedisError?) {
        wire.errorCount
    }

    /// Why this worker gave up on Redis (unreachable for longer than
    /// ``RedisFrontierOptions/outageTimeout``, or the credentials refused);
    /// `nil` while it works. ``next()`` returns `nil` from then on (the crawl
    /// stops, and `Crawler.run()` throws it).
    public var failure: (any Error)? {
        get async { wire.failure }
    }

    /// Stops renewing and listening, gives back any URL still claimed (it
    /// goes back to its queue for another worker) and leaves the workers set.
    /// Call it once when done: until then the background tasks keep the frontier alive.
    public func close() async throws {
        stopBackgroundWork()
        // Gave up on Redis: nothing can be given back (the leases expire by themselves).
        if wire.failure != nil { return }
        for lease in leases.takeAll() {
            _ = await finish(lease.raw, hostKey: lease.hostKey, end: .release)
        }
        // What was written is done; a URL accepted and never written (its feed failed) goes back to its queue.
        await acknowledgeWritten(requeuingRest: true)
        await decisions?.flush()
        _ = try await wire.connection.send([Array("ZREM".utf8), wire.keys.workers, Array(workerID.utf8)])
    }

    /// Stops renewing and listening without giving anything back, as a
    /// worker killed with SIGKILL would (for tests of lease expiry).
    func abandon() {
        stopBackgroundWork()
        _ = leases.takeAll()
    }

    /// Stops renewing leases, as a worker cut off from Redis would (for tests of stale leases).
    func stopRenewing() {
        tasks.withLock { $0.first }?.cancel()
    }

    /// Ends the lease of a claimed entry as `end`; whether it was still this
    /// worker's (`nil`: this worker holds none for it, or Redis could not be reached).
    func endLease(of entry: FrontierEntry, as end: LeaseEnd) async -> Bool? {
        guard let lease = leases.take(for: entry) else { return nil }
        return await wire.withRetries { () async throws(RedisError) -> RedisFrontierWire.CompletionReply in
            try await self.wire.complete(lease: lease.raw, hostKey: lease.hostKey, end: end)
        }?.wasHeld
    }

    /// The host's robots.txt rules, or why they are not known (see ``RedisRobotsCache``).
    func robotsRules(forHost hostKey: String) async -> RedisRobotsCache.Verdict {
        await robots.rules(forHost: hostKey)
    }

    private func stopBackgroundWork() {
        state.withLock { local in
            local.isClosed = true
            // Their leases are given back by close() (or expire, for abandon()).
            local.claimed.removeAll()
        }
        for task in tasks.withLock({ $0 }) { task.cancel() }
        wakeUps.close()
    }

    // MARK: Adding

    /// Offers URLs: those this worker can answer for alone are answered
    /// here, the others go to Redis in batches; the outcomes are counted.
    private func offer(_ entries: [FrontierEntry], areSeeds: Bool) async -> [FrontierAddOutcome] {
        var outcomes = screen(entries)
        let toSend = outcomes.indices.filter { outcomes[$0] == nil }
        let limits = Self.limits(of: configuration)
        var robotsUnavailable: Set<Int> = []
        var start = 0
        while start < toSend.count {
            let end = min(start + Self.addBatchSize, toSend.count)
            let indices = toSend[start..<end]
            let codes = await send(indices.map { entries[$0] }, limits: limits, areSeeds: areSeeds)
            for (position, index) in indices.enumerated() {
                // Lost to Redis errors: reported as limited (see `redisErrors`).
                let code = codes.flatMap { position < $0.count ? $0[position] : nil } ?? .pageLimited
                if code == .robotsUnavailable { robotsUnavailable.insert(index) }
                outcomes[index] = Self.outcome(of: code)
            }
            start = end
        }
        let final = outcomes.map { $0 ?? .pageLimitReached }
        recordRefusals(entries, final, robotsUnavailable: robotsUnavailable)
        count(final, robotsUnavailable: robotsUnavailable)
        if final.contains(.queued) { wakeOne() }
        return final
    }

    /// The outcome of each URL this worker can decide alone (known seen, a
    /// newline in it, out of scope, denied by a robots.txt it knows); `nil`
    /// for those only Redis can decide.
    private func screen(_ entries: [FrontierEntry]) -> [FrontierAddOutcome?] {
        // Looked up under the lock, not copied out: a copy alive while the set grows would copy its storage.
        let alreadySeen = state.withLock { local in entries.map { local.knownSeen.contains($0.fingerprint) } }
        var outcomes = entries.indices.map { index -> FrontierAddOutcome? in
            let entry = entries[index]
            if alreadySeen[index] { return .duplicate }
            if entry.url.utf8.contains(UInt8(ascii: "\n")) || entry.hostKey.utf8.contains(UInt8(ascii: "\n")) {
                return .rejected(.filtered)
            }
            // Every rule but the seed hosts is checked here; those are shared, so the script checks them.
            if let rejection = configuration.scope.rejection(of: entry, seedHosts: [entry.hostKey]) { return .rejected(rejection) }
            return nil
        }
        // robots.txt last, and only for the URLs still undecided: matching a
        // URL's path against the rules cost more than the rest of the screening
        // (most links of a page are known seen already).
        let undecided = outcomes.indices.filter { outcomes[$0] == nil }
        guard configuration.obeysRobots, !undecided.isEmpty else { return outcomes }
        let denied = robots.knownDenials(of: undecided.map { entries[$0] })
        let deniedIndices = undecided.indices.filter { denied[$0] }.map { undecided[$0] }
        guard !deniedIndices.isEmpty else { return outcomes }
        // Seen from now on, as the in-memory frontier marks them: the next page
        // linking to it finds a duplicate, without matching the rules again.
        state.withLock { local in
            for index in deniedIndices {
                outcomes[index] = .robotsDenied
                local.knownSeen.insert(entries[index].fingerprint)
            }
        }
        return outcomes
    }

    /// Runs the add script for one batch; its codes (`nil`: Redis could not
    /// be reached). Hosts it gave up are told to the event handler, and the
    /// URLs it found seen are remembered.
    private func send(_ batch: [FrontierEntry], limits: RedisFrontierWire.Limits, areSeeds: Bool) async -> [RedisFrontierWire.AddCode]? {
        // Links of several pages share a call (seeds go alone: they are marked as seeds).
        let reply =
            areSeeds
            ? await wire.withRetries { () async throws(RedisError) -> RedisAddQueue.Reply in
                try await self.wire.add(batch, limits: limits, areSeeds: true)
            } : await additions.add(batch)
        guard let reply else { return nil }
        if let budget = policy.hostTimeBudget {
            for host in reply.givenUp {
                configuration.eventHandler?(
                    .hostGivenUp(
                        host: host.hostKey, reason: .crawlDelay(host.crawlDelay, queued: host.dropped, budget: budget),
                        droppedURLs: host.dropped))
            }
        }
        let seenNow = zip(batch, reply.codes).filter { $0.1 == .queued || $0.1 == .duplicate }.map(\.0.fingerprint)
        state.withLock { local in
            for fingerprint in seenNow { local.knownSeen.insert(fingerprint) }
        }
        return reply.codes
    }

    /// The limits every add script call passes, from the crawl's rules.
    private static func limits(of configuration: FrontierConfiguration) -> RedisFrontierWire.Limits {
        RedisFrontierWire.Limits(
            maxPages: configuration.maxPages, maxPagesPerHost: configuration.maxPagesPerHost,
            checksSeedHosts: configuration.scope.hosts == .seedHosts,
            maxQueued: configuration.maxQueued, maxQueuedPerHost: configuration.maxQueuedPerHost)
    }

    private static func outcome(of code: RedisFrontierWire.AddCode) -> FrontierAddOutcome {
        switch code {
        case .queued: .queued
        case .duplicate: .duplicate
        case .offScope: .rejected(.offScope)
        case .pageLimited: .pageLimitReached
        case .queueLimited: .queueLimitReached
        case .robotsUnavailable: .robotsDenied
        }
    }

    /// Records why robots.txt refused each URL it refused (for `--explain`): the
    /// rule of this worker's copy, or (the indices in `robotsUnavailable`) its
    /// host given up because its robots.txt could not be fetched.
    private func recordRefusals(_ entries: [FrontierEntry], _ outcomes: [FrontierAddOutcome], robotsUnavailable: Set<Int>) {
        guard let decisions else { return }
        for (index, entry) in entries.enumerated() where outcomes[index] == .robotsDenied {
            if robotsUnavailable.contains(index) {
                decisions.recordOutcome(entry, code: .hostGivenUp, detail: URLDecision.robotsUnavailable(hostKey: entry.hostKey))
            } else {
                decisions.recordOutcome(entry, code: .robots, detail: robots.knownRefusal(of: entry))
            }
        }
    }

    /// Adds the outcomes of offered URLs to this worker's counters; the
    /// `robotsDenied` ones at the indices in `robotsUnavailable` were refused
    /// because their host's robots.txt could not be fetched.
    private func count(_ outcomes: [FrontierAddOutcome], robotsUnavailable: Set<Int>) {
        state.withLock { local in
            for (index, outcome) in outcomes.enumerated() {
                switch outcome {
                case .robotsDenied where robotsUnavailable.contains(index): local.counters.robotsUnavailable += 1
                case .queued: local.counters.queued += 1
                case .duplicate: local.counters.duplicates += 1
                case .rejected(let reason): local.counters.rejected[reason, default: 0] += 1
                case .pageLimitReached: local.counters.pageLimited += 1
                case .robotsDenied: local.counters.robotsDenied += 1
                case .queueLimitReached: local.counters.queueLimited += 1
                }
            }
        }
    }

    // MARK: Leases

    /// Runs the completion script (with other completions waiting, see
    /// `RedisCompletionQueue`); `true` when the crawl is now finished.
    private func finish(
        _ lease: String, hostKey: String, end: LeaseEnd, signal: RedisFrontierWire.HostSignal = .none,
        sample: RedisFrontierWire.LatencySample? = nil, ended: ContinuousClock.Instant? = nil
    ) async -> Bool {
        let reply = await completions.complete(
            .init(lease: lease, hostKey: hostKey, end: end, signal: signal, sample: sample, ended: ended))
        return reply?.isFinished == true
    }

    private func startBackgroundTasks() {
        completions.claimAlong(
            .init(
                leaseTimeout: options.leaseTimeout, wanted: { [weak self] in self?.claimsWanted() ?? 0 },
                received: { [weak self] reply in self?.receive(reply) }))
        let renewal = leases.startRenewing()
        let listener = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                await self.listen()
                if self.state.withLock({ $0.isClosed }) || self.wire.failure != nil { return }
            }
        }
        tasks.withLock { $0 = [renewal, listener, startSweepingSlots()] }
    }

    /// Once some task of this process waits: pops one notification (or times
    /// out after 250 ms) and wakes one waiting task for it.
    private func listen() async {
        await wakeUps.untilSomeoneWaits()
        if state.withLock({ $0.isClosed }) { return }
        do {
            let reply = try await listenerConnection.send([Array("BLPOP".utf8), wire.keys.wake, Array("0.25".utf8)])
            wire.recordSuccess()
            if reply != .null { wakeOne() }
        } catch {
            wire.record(error)
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    // MARK: Waiting

    private func waitForChange(upTo duration: Duration, unlessChangedSince changes: Int) async {
        await wakeUps.wait(until: .now + duration, unlessChangedSince: changes)
    }

    private func wakeOne() {
        wakeUps.wakeOne()
    }

    private func wakeAll() {
        wakeUps.wakeAll()
    }

    private static func makeWorkerID() -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "worker"
        return "\(host)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
