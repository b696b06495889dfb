import AsyncURLSupport
import CrawlFrontier
#if canImport(Glibc)
import Glibc
#endif

/// A frontier shared by many crawler processes, kept in Redis: start
/// `asyncurl-crawl --frontier redis://HOST:PORT/NAME` on as many machines as
/// you like and they crawl `NAME` together (as scrapy-redis does).
///
/// Everything the workers must agree on lives under `asyncurl:NAME:` and
/// changes only through atomic Lua scripts (``RedisFrontierScripts``): the
/// seen-set of 64-bit fingerprints, one queue per host (priority, then depth:
/// breadth-first), each host's in-flight count and next allowed start (the
/// politeness delay and the per-host limit hold across all workers together),
/// robots.txt answers, the page limits and the counters.
///
/// A URL handed out by ``next()`` is a *lease*: this worker renews it every
/// third of ``RedisFrontierOptions/leaseTimeout`` while the fetch runs. A
/// worker that dies (even with SIGKILL) stops renewing; once its leases
/// expire the next claim by any worker puts those URLs back in their queues.
/// A URL is therefore fetched at least once; twice only if a worker lost its
/// lease (it hung or lost Redis for a whole lease time) and still finished.
///
/// robots.txt is fetched by one worker per host: the first to need it takes
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
/// Not shared: AutoThrottle (each host's delay is the policy's or its
/// robots.txt `Crawl-delay`), and ``counters`` (this worker's own; the
/// crawl's totals are in ``RedisCrawlStatus``).
public final class RedisFrontier: URLFrontier {
    private struct LocalState {
        var leases: [UInt64: [String]] = [:]
        var robots: [String: (file: RobotsTxt, expires: ContinuousClock.Instant)] = [:]
        var counters = FrontierCounters()
        /// Fingerprints this worker knows the crawl has seen (the shared set
        /// only grows): most links point to pages seen already, and these
        /// need no trip to Redis.
        var knownSeen = FingerprintSet()
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterID = 0
        /// Bumped by every wake-up, so a task that looked at Redis before a
        /// change (and found nothing) does not go to sleep after it.
        var changes = 0
        /// Claims on the wire now (at most ``RedisFrontier/maxConcurrentClaims``).
        var claiming = 0
        var listenerIdle: CheckedContinuation<Void, Never>?
        var isClosed = false
        var redisErrors = 0
        var lastError: RedisError?
    }

    /// The politeness and retry policy in force.
    public let policy: PolitenessPolicy
    /// Where the crawl lives.
    public let url: RedisFrontierURL
    /// The options in force.
    public let options: RedisFrontierOptions
    /// This worker's name in the crawl's `workers` set: `HOST-PID-RANDOM`.
    public let workerID: String
    private let configuration: FrontierConfiguration
    private let connection: RedisConnection
    private let listenerConnection: RedisConnection
    private let robotsFetcher: FrontierFactory.RobotsFetcher
    private let state = LockedState(LocalState())
    private let tasks = LockedState<[Task<Void, Never>]>([])
    private let prefix: [UInt8]

    /// The most claims one process has on the wire at once: the others wait
    /// for a wake-up instead of asking Redis again and again while nothing is
    /// ready. 4 measured best on the crawl benchmark (`--with-redis`, one
    /// worker: 0.85x and 0.76x of the in-memory speed in two runs, against
    /// 0.73x with 2 and 0.53x with 8).
    static let maxConcurrentClaims = 4

    /// The most URLs sent to Redis in one script call.
    static let addBatchSize = 512

    /// Connects to the crawl's Redis server (two connections: commands, and
    /// one that waits for notifications) and registers this worker.
    /// - Parameters:
    ///   - robotsFetcher: fetches `scheme://host:port/robots.txt` (the argument).
    public init(url: RedisFrontierURL, configuration: FrontierConfiguration, options: RedisFrontierOptions = RedisFrontierOptions(),
                robotsFetcher: @escaping FrontierFactory.RobotsFetcher) async throws(RedisError) {
        self.url = url
        self.options = options
        self.configuration = configuration
        policy = configuration.policy
        self.robotsFetcher = robotsFetcher
        prefix = Array(url.keyPrefix.utf8)
        connection = try await RedisConnection.connect(host: url.host, port: url.port, connectTimeout: options.connectTimeout)
        listenerConnection = try await RedisConnection.connect(host: url.host, port: url.port, connectTimeout: options.connectTimeout)
        workerID = Self.makeWorkerID()
        try await renew()
        startBackgroundTasks()
    }

    deinit {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    // MARK: URLFrontier

    /// Adds seeds; their hosts join the crawl's seed hosts (shared by all workers).
    /// The seed URLs are kept too (``RedisCrawlStatus/seeds(of:connectTimeout:)``), so workers started without seeds can learn them.
    public func addSeeds(_ entries: [FrontierEntry]) async -> [FrontierAddOutcome] {
        if !entries.isEmpty {
            let command = [Array("SADD".utf8), prefix + Array("seedurls".utf8)] + entries.map { Array($0.url.utf8) }
            _ = await withRetries { () async throws(RedisError) -> RedisReply in try await self.connection.send(command) }
        }
        return await offer(entries, areSeeds: true)
    }

    /// Offers URLs found on a page: one script call per page (512 URLs at most per call).
    @discardableResult
    public func add(contentsOf entries: [FrontierEntry]) async -> [FrontierAddOutcome] {
        await offer(entries, areSeeds: false)
    }

    /// Marks a fingerprint as seen in the shared seen-set; `true` when it was new.
    /// (When Redis cannot be reached it answers `true`: a page fetched twice beats one lost.)
    public func markSeen(_ fingerprint: UInt64) async -> Bool {
        let (bucket, member) = Self.seenKey(fingerprint)
        let reply = await withRetries { () async throws(RedisError) -> RedisReply in
            try await self.connection.evaluate(RedisFrontierScripts.markSeen, arguments: [self.prefix, bucket, member])
        }
        if reply != nil { state.withLock { _ = $0.knownSeen.insert(fingerprint) } }
        return reply?.int != 0
    }

    /// The next URL whose host may start now, claimed for this worker; waits
    /// until there is one. `nil` when the crawl is finished everywhere, the
    /// task is cancelled, the frontier is closed, or Redis stayed unreachable.
    public func next() async -> FrontierEntry? {
        var failures = 0
        while !Task.isCancelled, !state.withLock({ $0.isClosed }) {
            let (mayClaim, changesBefore) = state.withLock { local -> (Bool, Int) in
                guard local.claiming < Self.maxConcurrentClaims else { return (false, local.changes) }
                local.claiming += 1
                return (true, local.changes)
            }
            guard mayClaim else {
                await waitForChange(upTo: options.maxIdleWait, unlessChangedSince: changesBefore)
                continue
            }
            let reply: RedisReply
            do {
                defer { state.withLock { $0.claiming -= 1 } }
                reply = try await connection.evaluate(RedisFrontierScripts.claim, arguments: [
                    prefix, limitArgument, delayArgument, Array(String(options.leaseTimeout.flooredMilliseconds).utf8), Array(workerID.utf8),
                ])
                failures = 0
            } catch {
                failures += 1
                record(error)
                if failures >= options.maxAttempts { return nil }
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            let parts = reply.elements
            switch parts.first?.text {
            case "E":
                guard parts.count == 3, case .string(let leaseBytes) = parts[1] else { continue }
                let lease = String(decoding: leaseBytes, as: UTF8.self)
                guard let entry = Self.entry(fromLease: lease) else {
                    // Not something this code wrote: finish it so it does not come back.
                    _ = await finishLease(lease, kind: "done", counter: "failed", wait: .zero, payload: "")
                    continue
                }
                state.withLock { $0.leases[entry.fingerprint, default: []].append(lease) }
                if parts[2].text == "1" { wakeOne() }
                if configuration.obeysRobots {
                    let file = await robotsFile(forHost: entry.hostKey)
                    if !file.isAllowed(url: entry.url, userAgent: configuration.userAgent) {
                        if let held = takeLease(of: entry) {
                            _ = await finishLease(held, kind: "denied", counter: "robotsDenied", wait: .zero, payload: "")
                        }
                        state.withLock { $0.counters.robotsDenied += 1 }
                        continue
                    }
                }
                return entry
            case "F":
                wakeAll()
                return nil
            default:
                let hint = parts.count > 1 ? parts[1].int ?? -1 : -1
                let wait = hint < 0 ? options.maxIdleWait : min(options.maxIdleWait, .milliseconds(max(1, hint)))
                await waitForChange(upTo: wait, unlessChangedSince: changesBefore)
            }
        }
        return nil
    }

    /// Records how a claimed URL ended: ends its lease, frees its host's
    /// slot, and queues a retry (with the attempt counted) when the outcome calls for one.
    @discardableResult
    public func complete(_ entry: FrontierEntry, outcome: HostScheduler.Outcome) async -> HostScheduler.CompletionResult {
        guard let lease = takeLease(of: entry) else { return .done }
        var retry = entry
        retry.attempt += 1
        let result: HostScheduler.CompletionResult
        let kind: String
        let counter: String
        var wait: Duration = .zero
        switch outcome {
        case .success:
            (kind, counter, result) = ("done", "success", .done)
        case .permanentFailure:
            (kind, counter, result) = ("done", "failed", .done)
        case .retryAfter(let retryWait):
            wait = max(.zero, retryWait)
            if entry.attempt < policy.maxRetries {
                (kind, counter, result) = ("retryNow", "", .retryScheduled(at: .now + wait))
            } else {
                (kind, counter, result) = ("done", "gaveUp", .gaveUp)
            }
        case .transientFailure:
            wait = policy.backoff(beforeRetry: retry.attempt)
            if entry.attempt < policy.maxRetries {
                (kind, counter, result) = ("retryLater", "", .retryScheduled(at: .now + wait))
            } else {
                (kind, counter, result) = ("done", "gaveUp", .gaveUp)
            }
        }
        state.withLock { local in
            switch result {
            case .retryScheduled: local.counters.retries += 1
            case .gaveUp: local.counters.gaveUp += 1
            case .done: break
            }
        }
        let finished = await finishLease(lease, kind: kind, counter: counter, wait: wait, payload: Self.payload(of: retry))
        if finished { wakeAll() } else { wakeOne() }
        return result
    }

    /// This worker's counters (the crawl's totals: ``RedisCrawlStatus``).
    public var counters: FrontierCounters {
        get async { state.withLock { $0.counters } }
    }

    /// URLs waiting in the crawl's host queues (all workers'); 0 when Redis cannot be read.
    public var queuedCount: Int {
        get async {
            let reply = try? await connection.send([Array("HGET".utf8), prefix + Array("stats".utf8), Array("pending".utf8)])
            return Int(reply?.int ?? 0)
        }
    }

    /// URLs this worker has claimed and not completed.
    public var inFlightCount: Int {
        get async { state.withLock { $0.leases.values.reduce(0) { $0 + $1.count } } }
    }

    /// Hosts of the crawl (all workers'); 0 when Redis cannot be read.
    public var hostCount: Int {
        get async {
            let reply = try? await connection.send([Array("SCARD".utf8), prefix + Array("hosts".utf8)])
            return Int(reply?.int ?? 0)
        }
    }

    /// Redis calls that failed (each retried up to ``RedisFrontierOptions/maxAttempts`` times), and the last error.
    public var redisErrors: (count: Int, last: RedisError?) {
        state.withLock { ($0.redisErrors, $0.lastError) }
    }

    /// Stops renewing and listening, gives back any URL still claimed (it
    /// goes back to its queue for another worker) and leaves the workers set.
    /// Call it once when done: until then the background tasks keep the frontier alive.
    public func close() async throws {
        let (leases, listener) = state.withLock { local -> ([String], CheckedContinuation<Void, Never>?) in
            local.isClosed = true
            let all = local.leases.values.flatMap { $0 }
            local.leases.removeAll()
            let listener = local.listenerIdle
            local.listenerIdle = nil
            return (all, listener)
        }
        listener?.resume()
        for task in tasks.withLock({ $0 }) { task.cancel() }
        wakeAll()
        for lease in leases {
            _ = await finishLease(lease, kind: "release", counter: "", wait: .zero, payload: "")
        }
        _ = try await connection.send([Array("ZREM".utf8), prefix + Array("workers".utf8), Array(workerID.utf8)])
    }

    /// Stops renewing and listening without giving anything back, as a
    /// worker killed with SIGKILL would (for tests of lease expiry).
    func abandon() {
        let listener = state.withLock { local -> CheckedContinuation<Void, Never>? in
            local.isClosed = true
            local.leases.removeAll()
            let listener = local.listenerIdle
            local.listenerIdle = nil
            return listener
        }
        listener?.resume()
        for task in tasks.withLock({ $0 }) { task.cancel() }
        wakeAll()
    }

    // MARK: Adding

    private func offer(_ entries: [FrontierEntry], areSeeds: Bool) async -> [FrontierAddOutcome] {
        var outcomes = [FrontierAddOutcome?](repeating: nil, count: entries.count)
        var toSend: [Int] = []
        let now = ContinuousClock.now
        // Looked up under the lock, not copied out: a copy alive while the set grows would copy its storage.
        let (knownRobots, alreadySeen) = state.withLock { local in (local.robots, entries.map { local.knownSeen.contains($0.fingerprint) }) }
        for (index, entry) in entries.enumerated() {
            if alreadySeen[index] {
                outcomes[index] = .duplicate
            } else if entry.url.utf8.contains(UInt8(ascii: "\n")) || entry.hostKey.utf8.contains(UInt8(ascii: "\n")) {
                outcomes[index] = .rejected(.filtered)
            } else if let rejection = configuration.scope.rejection(of: entry, seedHosts: [entry.hostKey]) {
                // Every rule but the seed hosts is checked here; those are shared, so the script checks them.
                outcomes[index] = .rejected(rejection)
            } else if configuration.obeysRobots, let known = knownRobots[entry.hostKey], known.expires > now,
                      !known.file.isAllowed(url: entry.url, userAgent: configuration.userAgent) {
                outcomes[index] = .robotsDenied
            } else {
                toSend.append(index)
            }
        }
        let checksSeedHosts = configuration.scope.hosts == .seedHosts
        var start = 0
        while start < toSend.count {
            let batch = Array(toSend[start..<min(start + Self.addBatchSize, toSend.count)])
            start += batch.count
            var arguments: [[UInt8]] = [
                prefix, limitArgument, delayArgument,
                Array(String(configuration.maxPages ?? -1).utf8), Array(String(configuration.maxPagesPerHost ?? -1).utf8),
                Array((checksSeedHosts ? "1" : "0").utf8), Array((areSeeds ? "1" : "0").utf8),
            ]
            arguments.reserveCapacity(arguments.count + batch.count * 5)
            for index in batch {
                let entry = entries[index]
                let (bucket, member) = Self.seenKey(entry.fingerprint)
                arguments.append(bucket)
                arguments.append(member)
                arguments.append(Array(entry.hostKey.utf8))
                arguments.append(Array(String(Self.score(of: entry)).utf8))
                arguments.append(Array(Self.payload(of: entry).utf8))
            }
            let reply = await withRetries { () async throws(RedisError) -> RedisReply in
                try await self.connection.evaluate(RedisFrontierScripts.add, arguments: arguments)
            }
            let codes = reply?.elements ?? []
            var seenNow: [UInt64] = []
            for (position, index) in batch.enumerated() {
                // Lost to Redis errors: reported as limited (see `redisErrors`).
                let code = position < codes.count ? codes[position].int ?? 3 : 3
                if code <= 1 { seenNow.append(entries[index].fingerprint) }
                outcomes[index] = switch code {
                case 0: .queued
                case 1: .duplicate
                case 2: .rejected(.offScope)
                default: .pageLimitReached
                }
            }
            state.withLock { local in
                for fingerprint in seenNow { local.knownSeen.insert(fingerprint) }
            }
        }
        let final = outcomes.map { $0 ?? .pageLimitReached }
        state.withLock { local in
            for outcome in final {
                switch outcome {
                case .queued: local.counters.queued += 1
                case .duplicate: local.counters.duplicates += 1
                case .rejected(let reason): local.counters.rejected[reason, default: 0] += 1
                case .pageLimitReached: local.counters.pageLimited += 1
                case .robotsDenied: local.counters.robotsDenied += 1
                case .queueLimitReached: local.counters.queueLimited += 1
                }
            }
        }
        if final.contains(.queued) { wakeOne() }
        return final
    }

    // MARK: Leases

    private func takeLease(of entry: FrontierEntry) -> String? {
        state.withLock { local in
            guard var held = local.leases[entry.fingerprint], !held.isEmpty else { return nil }
            let lease = held.removeFirst()
            local.leases[entry.fingerprint] = held.isEmpty ? nil : held
            return lease
        }
    }

    /// Runs the completion script; `true` when the crawl is now finished.
    private func finishLease(_ lease: String, kind: String, counter: String, wait: Duration, payload: String) async -> Bool {
        let arguments: [[UInt8]] = [prefix, limitArgument, delayArgument, Array(lease.utf8), Array(kind.utf8), Array(counter.utf8),
                                    Array(String(wait.flooredMilliseconds).utf8), Array(payload.utf8)]
        let reply = await withRetries { () async throws(RedisError) -> RedisReply in
            try await self.connection.evaluate(RedisFrontierScripts.complete, arguments: arguments)
        }
        return reply?.elements.last?.int == 1
    }

    /// Extends this worker's leases and its heartbeat.
    private func renew() async throws(RedisError) {
        let leases = state.withLock { $0.leases.values.flatMap { $0 } }
        let arguments: [[UInt8]] = [prefix, Array(String(options.leaseTimeout.flooredMilliseconds).utf8), Array(workerID.utf8),
                                    Array(String(options.leaseTimeout.flooredMilliseconds).utf8)] + leases.map { Array($0.utf8) }
        _ = try await connection.evaluate(RedisFrontierScripts.renew, arguments: arguments)
    }

    private func startBackgroundTasks() {
        let interval = options.leaseTimeout / 3
        let renewal = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                do throws(RedisError) {
                    try await self.renew()
                } catch {
                    self.record(error)
                }
            }
        }
        let listener = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                await self.listen()
                if self.state.withLock({ $0.isClosed }) { return }
            }
        }
        tasks.withLock { $0 = [renewal, listener] }
    }

    /// Once some task of this process waits: pops one notification (or times
    /// out after 250 ms) and wakes one waiting task for it.
    private func listen() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = state.withLock { local -> Bool in
                if local.isClosed || !local.waiters.isEmpty { return true }
                local.listenerIdle = continuation
                return false
            }
            if proceed { continuation.resume() }
        }
        if state.withLock({ $0.isClosed }) { return }
        do {
            let reply = try await listenerConnection.send([Array("BLPOP".utf8), prefix + Array("wake".utf8), Array("0.25".utf8)])
            if reply != .null { wakeOne() }
        } catch {
            record(error)
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    // MARK: robots.txt

    /// The host's robots.txt: this worker's copy, the crawl's copy in Redis,
    /// or fetched by this worker while it holds the host's lock.
    func robotsFile(forHost hostKey: String) async -> RobotsTxt {
        if let known = state.withLock({ $0.robots[hostKey] }), known.expires > .now { return known.file }
        let key = prefix + Array("robots:\(hostKey)".utf8)
        let lockKey = prefix + Array("robotslock:\(hostKey)".utf8)
        let deadline = ContinuousClock.now + options.robotsLockTimeout + .seconds(5)
        while ContinuousClock.now < deadline, !Task.isCancelled {
            do {
                let stored = try await connection.send([Array("GET".utf8), key])
                if case .string(let bytes) = stored, let file = Self.decodeRobots(bytes) {
                    return remember(file, forHost: hostKey)
                }
                // The lock, then a second look: a holder stores the file before
                // it deletes the lock, so whoever gets the lock after that sees the file.
                let replies = try await connection.pipeline([
                    [Array("SET".utf8), lockKey, Array(workerID.utf8), Array("NX".utf8), Array("PX".utf8),
                     Array(String(options.robotsLockTimeout.flooredMilliseconds).utf8)],
                    [Array("GET".utf8), key],
                ])
                let locked = replies.first ?? .null
                if replies.count == 2, case .string(let bytes) = replies[1], let file = Self.decodeRobots(bytes) {
                    if case .status = locked { _ = try await connection.send([Array("DEL".utf8), lockKey]) }
                    return remember(file, forHost: hostKey)
                }
                if case .status = locked {
                    let result = await robotsFetcher(hostKey + "/robots.txt")
                    let file = Self.robotsTxt(from: result)
                    var commands: [[[UInt8]]] = [
                        [Array("SET".utf8), key, Self.encodeRobots(result), Array("PX".utf8), Array(String(configuration.robotsLifetime.flooredMilliseconds).utf8)],
                        [Array("HINCRBY".utf8), prefix + Array("stats".utf8), Array("robotsFetched".utf8), Array("1".utf8)],
                        [Array("DEL".utf8), lockKey],
                    ]
                    if let delay = file.crawlDelay(for: configuration.userAgent) {
                        commands.append([Array("HSET".utf8), prefix + Array("h:\(hostKey)".utf8), Array("delay".utf8), Array(String(delay.flooredMilliseconds).utf8)])
                    }
                    _ = try await connection.pipeline(commands)
                    state.withLock { $0.counters.robotsFetched += 1 }
                    return remember(file, forHost: hostKey)
                }
            } catch {
                record(error)
            }
            // Another worker is fetching it.
            try? await Task.sleep(for: .milliseconds(50))
        }
        // The lock holder never delivered: fetch it here, without sharing it.
        let file = Self.robotsTxt(from: await robotsFetcher(hostKey + "/robots.txt"))
        return remember(file, forHost: hostKey)
    }

    private func remember(_ file: RobotsTxt, forHost hostKey: String) -> RobotsTxt {
        let expires = ContinuousClock.now + configuration.robotsLifetime
        state.withLock { $0.robots[hostKey] = (file, expires) }
        return file
    }

    static func robotsTxt(from result: RobotsFetchResult) -> RobotsTxt {
        switch result {
        case .response(let status, let body): RobotsTxt.from(status: status, body: body)
        case .unreachable: .disallowAll
        }
    }

    /// `U` (unreachable) or `R<status>\n<body>`.
    static func encodeRobots(_ result: RobotsFetchResult) -> [UInt8] {
        switch result {
        case .unreachable: Array("U".utf8)
        case .response(let status, let body): Array("R\(status)\n".utf8) + body.prefix(RobotsTxt.maxParsedBytes)
        }
    }

    static func decodeRobots(_ bytes: [UInt8]) -> RobotsTxt? {
        if bytes == Array("U".utf8) { return .disallowAll }
        guard bytes.first == UInt8(ascii: "R"), let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let status = Int(String(decoding: bytes[1..<newline], as: UTF8.self)) else { return nil }
        return RobotsTxt.from(status: status, body: bytes[(newline + 1)...])
    }

    // MARK: Waiting

    private func waitForChange(upTo duration: Duration, unlessChangedSince changes: Int) async {
        let id = state.withLock { local -> Int in
            local.nextWaiterID += 1
            return local.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (sleeps, listener) = state.withLock { local -> (Bool, CheckedContinuation<Void, Never>?) in
                    guard local.changes == changes else { return (false, nil) }
                    local.waiters[id] = continuation
                    let listener = local.listenerIdle
                    local.listenerIdle = nil
                    return (true, listener)
                }
                guard sleeps else {
                    continuation.resume()
                    return
                }
                listener?.resume()
                Task { [weak self] in
                    try? await Task.sleep(for: duration)
                    self?.wake(id)
                }
            }
        } onCancel: {
            self.wake(id)
        }
    }

    private func wake(_ id: Int) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }

    private func wakeOne() {
        let waiter = state.withLock { local -> CheckedContinuation<Void, Never>? in
            local.changes &+= 1
            guard let id = local.waiters.keys.first else { return nil }
            return local.waiters.removeValue(forKey: id)
        }
        waiter?.resume()
    }

    private func wakeAll() {
        let all = state.withLock { local -> [CheckedContinuation<Void, Never>] in
            local.changes &+= 1
            let all = Array(local.waiters.values)
            local.waiters.removeAll()
            return all
        }
        for waiter in all { waiter.resume() }
    }

    // MARK: Errors

    private func record(_ error: RedisError) {
        state.withLock { local in
            local.redisErrors += 1
            local.lastError = error
        }
    }

    /// Runs `body` up to ``RedisFrontierOptions/maxAttempts`` times, 200 ms apart; `nil` when every try failed.
    private func withRetries(_ body: () async throws(RedisError) -> RedisReply) async -> RedisReply? {
        for attempt in 1...options.maxAttempts {
            do {
                return try await body()
            } catch {
                record(error)
                if attempt < options.maxAttempts { try? await Task.sleep(for: .milliseconds(200)) }
            }
        }
        return nil
    }

    // MARK: Encoding

    private var limitArgument: [UInt8] { Array(String(policy.maxConcurrencyPerHost).utf8) }
    private var delayArgument: [UInt8] { Array(String(policy.delay.flooredMilliseconds).utf8) }

    /// The seen-set bucket (top 16 bits, hex) and member (low 48 bits, decimal) of a fingerprint.
    static func seenKey(_ fingerprint: UInt64) -> (bucket: [UInt8], member: [UInt8]) {
        (Array(String(fingerprint >> 48, radix: 16).utf8), Array(String(fingerprint & 0xFFFF_FFFF_FFFF).utf8))
    }

    /// Priority first (higher first), then depth (shallower first).
    static func score(of entry: FrontierEntry) -> Int64 {
        let priority = Int64(min(max(entry.priority, -1_000_000), 1_000_000))
        let depth = Int64(min(max(entry.depth, 0), 1_000_000))
        return -priority * 1_048_576 + depth
    }

    /// `FINGERPRINT\nDEPTH\nPRIORITY\nATTEMPT\nURL[\nREFERRER]`.
    static func payload(of entry: FrontierEntry) -> String {
        var text = "\(String(entry.fingerprint, radix: 16))\n\(entry.depth)\n\(entry.priority)\n\(entry.attempt)\n\(entry.url)"
        if let referrer = entry.referrer, !referrer.utf8.contains(UInt8(ascii: "\n")) { text += "\n" + referrer }
        return text
    }

    /// Decodes `HOST\nSCORE\nTOKEN\nSEQUENCE\nPAYLOAD`.
    static func entry(fromLease lease: String) -> FrontierEntry? {
        let fields = lease.split(separator: "\n", maxSplits: 9, omittingEmptySubsequences: false)
        guard fields.count >= 9, let fingerprint = UInt64(fields[4], radix: 16), let depth = Int(fields[5]),
              let priority = Int(fields[6]), let attempt = Int(fields[7]) else { return nil }
        return FrontierEntry(url: String(fields[8]), fingerprint: fingerprint, hostKey: String(fields[0]), depth: depth, priority: priority,
                             referrer: fields.count > 9 ? String(fields[9]) : nil, attempt: attempt)
    }

    private static func makeWorkerID() -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "worker"
        return "\(host)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
