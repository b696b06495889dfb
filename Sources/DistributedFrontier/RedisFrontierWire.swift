import AsyncURLSupport
import CrawlFrontier

/// The shared frontier's wire protocol: one typed call per script, one
/// decoder per script reply, every key named by ``RedisKeys``, and the
/// retry rule for failed calls (with the errors counted).
final class RedisFrontierWire: Sendable {
    /// What the add script said about one URL.
    enum AddCode: Int64, Sendable {
        case queued = 0
        case duplicate = 1
        case offScope = 2
        case pageLimited = 3
        case queueLimited = 4
        /// Its host was given up because its robots.txt could not be fetched.
        case robotsUnavailable = 5
    }

    /// What the claim script answered.
    enum ClaimReply: Sendable, Hashable {
        /// URLs claimed (at least one, readable or not: `unreadable` are leases
        /// this code cannot read, to be finished so they do not come back);
        /// `more` when as many as asked for were claimed and another host is ready too.
        case claimed([RedisLease], unreadable: [String], more: Bool)
        /// Nothing yet: wait at most this long (`nil`: only an add or a completion can help).
        case wait(Duration?)
        /// The crawl is finished.
        case finished
    }

    /// What the completion script answered.
    struct CompletionReply: Sendable, Hashable {
        /// Whether the lease was still this worker's.
        var wasHeld: Bool
        /// Whether the crawl is now finished.
        var isFinished: Bool
        /// The number of the batch it went in (0: not sent in a named batch).
        var batch: UInt64 = 0
    }

    /// What a completion tells the host's failure window.
    enum HostSignal: Sendable, Hashable {
        /// Nothing (a permanent failure, a release, robots.txt).
        case none
        /// A response: the host's failures are forgotten.
        case success
        /// This URL (by fingerprint) failed.
        case failure(UInt64)
        /// The host asked to wait (429): it pauses for the wait (at most the policy's longest wait).
        case pause(Duration)
    }

    /// What the robots.txt failure script answered.
    enum RobotsFailureReply: Sendable, Hashable {
        /// Paused; robots.txt is tried again after this.
        case retryAfter(Duration)
        /// Given up; this many queued URLs were dropped.
        case givenUp(dropped: Int)
    }

    /// The limits every add passes.
    struct Limits: Sendable, Hashable {
        var maxPages: Int?
        var maxPagesPerHost: Int?
        var checksSeedHosts: Bool
        /// The most URLs pending (queued, claimed or waiting to retry) in all.
        var maxQueued: Int?
        /// The most URLs in one host's queue.
        var maxQueuedPerHost: Int?
    }

    private struct Health {
        var errorCount = 0
        var lastError: RedisError?
        /// When the calls started failing (nil while the last call succeeded).
        var outageStarted: ContinuousClock.Instant?
        /// Set once the worker gave up: every call fails at once from then on.
        var failure: RedisError?
    }

    let connection: RedisConnection
    let keys: RedisKeys
    let maxAttempts: Int
    let outageTimeout: Duration
    /// What the crawl decided about URLs, written in front of the next script call.
    let decisions: RedisDecisionRecorder?
    let policy: PolitenessPolicy
    private let health = LockedState(Health())
    /// The policy's per-host limit and delay (ms) as script arguments, made once.
    let limitArgument: [UInt8]
    let delayArgument: [UInt8]
    /// The complete script's policy arguments: failure threshold, window (ms),
    /// pause backoff (ms), longest wait (ms), and a 429's pause reason.
    private let failureArguments: [[UInt8]]

    init(
        connection: RedisConnection, keys: RedisKeys, policy: PolitenessPolicy, maxAttempts: Int, outageTimeout: Duration,
        decisions: RedisDecisionRecorder? = nil
    ) {
        self.decisions = decisions
        self.connection = connection
        self.keys = keys
        self.policy = policy
        limitArgument = Self.number(policy.maxConcurrencyPerHost)
        delayArgument = Self.number(policy.delay.flooredMilliseconds)
        failureArguments = [
            Self.number(policy.hostFailureThreshold), Self.number(policy.hostFailureWindow.flooredMilliseconds),
            Self.number(policy.retryBackoff.flooredMilliseconds),
            Self.number(min(policy.maxRetryBackoff, policy.maxRetryWait).flooredMilliseconds),
            Array(HostPause.Reason.retryAfter.rawValue.utf8)
        ]
        self.maxAttempts = max(1, maxAttempts)
        self.outageTimeout = outageTimeout
    }

    // MARK: Calls

    /// A host the add script gave up: its `Crawl-delay` times its queue was over the per-host time budget.
    struct GivenUpHost: Sendable, Hashable {
        var hostKey: String
        var dropped: Int
        var crawlDelay: Duration
    }

    /// Offers one batch of URLs; one code per URL, and the hosts given up for their time budget.
    func add(_ batch: [FrontierEntry], limits: Limits, areSeeds: Bool) async throws(RedisError) -> (
        codes: [AddCode], givenUp: [GivenUpHost]
    ) {
        var arguments: [[UInt8]] = [
            keys.prefix, limitArgument, delayArgument,
            Self.number(limits.maxPages ?? -1), Self.number(limits.maxPagesPerHost ?? -1),
            Self.flag(limits.checksSeedHosts), Self.flag(areSeeds), Self.number(policy.hostTimeBudget?.flooredMilliseconds ?? -1),
            Self.number(limits.maxQueued ?? -1), Self.number(limits.maxQueuedPerHost ?? -1),
            Self.number(policy.autoThrottle.map { $0.startDelay.flooredMilliseconds } ?? -1),
            hostRulesArgument(for: batch)
        ]
        var urlKeys = keys.common
        arguments.reserveCapacity(arguments.count + batch.count * 4)
        urlKeys.reserveCapacity(urlKeys.count + batch.count * 3)
        for entry in batch {
            let (bucket, member) = RedisFrontierEntryCoding.seenKey(entry.fingerprint)
            arguments.append(member)
            arguments.append(Array(entry.hostKey.utf8))
            arguments.append(Array(String(RedisFrontierEntryCoding.score(of: entry)).utf8))
            arguments.append(Array(RedisFrontierEntryCoding.payload(of: entry).utf8))
            urlKeys.append(keys.seenSet(bucket))
            urlKeys.append(keys.queue(host: entry.hostKey))
            urlKeys.append(keys.host(entry.hostKey))
        }
        let reply = try await evaluate(RedisFrontierScripts.add, keys: urlKeys, arguments: arguments)
        let elements = reply.elements
        guard elements.count >= batch.count else { throw unexpected(RedisFrontierScripts.add, reply) }
        let codes = elements.prefix(batch.count).map { $0.int.flatMap(AddCode.init(rawValue:)) }
        guard codes.allSatisfy({ $0 != nil }) else { throw unexpected(RedisFrontierScripts.add, reply) }
        let givenUp = elements.dropFirst(batch.count).compactMap { element -> GivenUpHost? in
            let fields = (element.text ?? "").split(separator: "\n")
            guard fields.count == 3, let dropped = Int(fields[1]), let delay = Int64(fields[2]) else { return nil }
            return GivenUpHost(hostKey: String(fields[0]), dropped: dropped, crawlDelay: .milliseconds(delay))
        }
        return (codes.compactMap { $0 }, givenUp)
    }

    /// Claims the next URLs whose hosts may start now, `most` at most.
    func claim(leaseTimeout: Duration, token: String, most: Int = 1) async throws(RedisError) -> ClaimReply {
        let reply = try await evaluate(
            RedisFrontierScripts.claim, keys: keys.common,
            arguments: [
                keys.prefix, limitArgument, delayArgument, Self.number(leaseTimeout.flooredMilliseconds), Array(token.utf8),
                Self.number(max(1, most))
            ])
        guard let claimed = Self.claimReply(reply.elements[...]) else { throw unexpected(RedisFrontierScripts.claim, reply) }
        return claimed
    }

    /// What the claim script's answer says (`nil`: not such an answer).
    private static func claimReply(_ parts: ArraySlice<RedisReply>) -> ClaimReply? {
        switch parts.first?.text {
        case "E":
            guard parts.count >= 3 else { return nil }
            var leases: [RedisLease] = []
            var unreadable: [String] = []
            for part in parts.dropFirst(2) {
                guard case .string(let bytes) = part else { return nil }
                let raw = String(decoding: bytes, as: UTF8.self)
                if let lease = RedisLease(raw) { leases.append(lease) } else { unreadable.append(raw) }
            }
            return .claimed(leases, unreadable: unreadable, more: parts[parts.startIndex + 1].text == "1")
        case "F":
            return .finished
        case "W":
            let hint = parts.count > 1 ? parts[parts.startIndex + 1].int ?? -1 : -1
            return .wait(hint < 0 ? nil : .milliseconds(max(1, hint)))
        default:
            return nil
        }
    }

    /// A response's latency and whether it succeeded, for AutoThrottle.
    struct LatencySample: Sendable, Hashable {
        var latency: Duration
        var succeeded: Bool
    }

    /// How one lease ends: the lease as Redis holds it, the host it belongs
    /// to, the end, what it tells the host's failure window, and AutoThrottle's
    /// sample (it moves the host's shared estimate when the policy has AutoThrottle).
    struct Completion: Sendable, Hashable {
        var lease: String
        var hostKey: String
        var end: LeaseEnd
        var signal: HostSignal = .none
        var sample: LatencySample?
        /// Whether the worker writes output for the URL once Redis accepted
        /// its end: then Redis keeps it unwritten until told (``acknowledge(worker:through:unwritten:)``).
        var writesOutput = false
        /// When its request to the host ended (`nil`: it made none): the
        /// host's delay runs from then too.
        var ended: ContinuousClock.Instant?
    }

    /// Ends a lease (given as Redis holds it, and the host it belongs to);
    /// `sample` moves the host's shared AutoThrottle estimate (when the policy has AutoThrottle).
    func complete(
        lease raw: String, hostKey: String, end: LeaseEnd, signal: HostSignal = .none,
        sample: LatencySample? = nil
    ) async throws(RedisError) -> CompletionReply {
        let reply = try await complete([Completion(lease: raw, hostKey: hostKey, end: end, signal: signal, sample: sample)])
        return CompletionReply(wasHeld: reply.held.first ?? false, isFinished: reply.isFinished)
    }

    /// Names one batch of lease ends: the worker that sends it and the batch's
    /// number among that worker's. A batch sent again under the same name (a
    /// retry after the reply was lost: the connection dropped, or Redis was
    /// killed, after the script ran) gets the first answer again, so a
    /// completion that went through is never taken for a stale one.
    struct BatchName: Sendable, Hashable {
        /// The worker's id (its lease token).
        var worker: String
        /// The batch's number, never reused by the worker.
        var sequence: UInt64
    }

    /// What one completion batch's script call answered.
    struct BatchReply: Sendable, Hashable {
        /// Whether each lease was still held.
        var held: [Bool]
        /// Whether the crawl is now finished.
        var isFinished: Bool
        /// The URLs claimed for the worker in the same call, when it asked
        /// (`nil`: it did not, or Redis answered a retried batch from its record).
        var claimed: ClaimReply?
    }

    /// Ends several leases in one script call: whether each was still held, and whether the crawl is now finished.
    /// With a `name`, sending the same batch again answers as the first time did,
    /// and `written` says the worker wrote the output of its batches up to that number.
    /// With a `name` and `claiming` above 0, the same call then claims up to
    /// that many URLs for the worker, leased for `leaseTimeout`.
    func complete(
        _ completions: [Completion], name: BatchName? = nil, written: UInt64 = 0, claiming: Int = 0, leaseTimeout: Duration = .zero
    ) async throws(RedisError) -> BatchReply {
        var scriptKeys = keys.common + [keys.replies, keys.unwritten(worker: name?.worker ?? "")]
        var arguments = [
            keys.prefix, limitArgument, delayArgument, Array((name?.worker ?? "").utf8), Self.number(name?.sequence ?? 0),
            Self.number(written)
        ]
        arguments += failureArguments
        arguments += [Self.number(leaseTimeout.flooredMilliseconds), Self.number(name == nil ? 0 : max(0, claiming))]
        scriptKeys.reserveCapacity(scriptKeys.count + completions.count * 3)
        arguments.reserveCapacity(arguments.count + completions.count * 14)
        for completion in completions {
            let hostKey = completion.hostKey
            scriptKeys += [keys.queue(host: hostKey), keys.host(hostKey), keys.failures(host: hostKey)]
            arguments += completionArguments(completion)
        }
        let reply = try await evaluate(RedisFrontierScripts.complete, keys: scriptKeys, arguments: arguments)
        let parts = reply.elements
        let flags = parts.prefix(completions.count + 1).compactMap(\.int)
        guard flags.count == completions.count + 1, let finished = flags.last else {
            throw unexpected(RedisFrontierScripts.complete, reply)
        }
        let rest = parts.dropFirst(completions.count + 1)
        let claimed = rest.isEmpty ? nil : Self.claimReply(rest)
        if !rest.isEmpty, claimed == nil { throw unexpected(RedisFrontierScripts.complete, reply) }
        return BatchReply(held: flags.dropLast().map { $0 == 1 }, isFinished: finished == 1, claimed: claimed)
    }

    /// The complete script's 14 arguments for one lease.
    private func completionArguments(_ completion: Completion) -> [[UInt8]] {
        let end = completion.end
        let retry = end.retry.map(RedisFrontierEntryCoding.payload(of:)) ?? ""
        var pause: Duration = .zero
        var failure = ""
        switch completion.signal {
        case .none: break
        case .success: failure = "S"
        case .failure(let fingerprint): failure = String(fingerprint, radix: 16)
        case .pause(let wait): pause = min(max(.zero, wait), policy.maxRetryWait)
        }
        let throttle = policy.limits(forHost: completion.hostKey).autoThrottle
        let sample = completion.sample
        let latency = throttle == nil ? -1 : sample.map { max(0, $0.latency.flooredMilliseconds) } ?? -1
        return [
            Array(completion.lease.utf8), Array(end.kind.utf8), Array(end.counter.utf8),
            Self.number(end.wait.flooredMilliseconds), Array(retry.utf8),
            Self.number(pause.flooredMilliseconds), Array(failure.utf8), Self.number(latency), Self.flag(sample?.succeeded ?? false),
            Array(String(throttle?.targetConcurrency ?? 1).utf8),
            Self.number(throttle?.minimumDelay.flooredMilliseconds ?? 0), Self.number(throttle?.maximumDelay.flooredMilliseconds ?? 0),
            Self.flag(completion.writesOutput),
            Self.number(completion.ended.map { max(0, (ContinuousClock.now - $0).flooredMilliseconds) } ?? -1)
        ]
    }

    /// Says this worker wrote the output of its completion batches up to
    /// `through`. When it `stops`, the URLs of the batches in `unwritten` go
    /// back to their queues (their output will never be written), and Redis
    /// forgets its last batch's answer. Whether the crawl is now finished.
    @discardableResult
    func acknowledge(worker: String, through: UInt64, stops: Bool = false, unwritten: [UInt64] = []) async throws(RedisError) -> Bool {
        let reply = try await evaluate(
            RedisFrontierScripts.acknowledge, keys: keys.common + [keys.unwritten(worker: worker), keys.replies],
            arguments: [keys.prefix, limitArgument, delayArgument, Array(worker.utf8), Self.number(through), Self.flag(stops)]
                + unwritten.map(Self.number))
        guard let finished = reply.int else { throw unexpected(RedisFrontierScripts.acknowledge, reply) }
        return finished == 1
    }

    /// Counts a failed robots.txt fetch of a host: it pauses, or is given up after `attempts` failures.
    func robotsFailed(host hostKey: String, attempts: Int, backoff: Duration) async throws(RedisError) -> RobotsFailureReply {
        let reply = try await evaluate(
            RedisFrontierScripts.robotsFailed, keys: keys.common + [keys.queue(host: hostKey), keys.host(hostKey)],
            arguments: [
                keys.prefix, Array(hostKey.utf8), Self.number(max(1, attempts)), Self.number(backoff.flooredMilliseconds),
                Self.number(policy.maxRetryWait.flooredMilliseconds), limitArgument, delayArgument
            ])
        let parts = reply.elements
        guard parts.count == 2, let value = parts[1].int else { throw unexpected(RedisFrontierScripts.robotsFailed, reply) }
        switch parts[0].text {
        case "R": return .retryAfter(.milliseconds(value))
        case "G": return .givenUp(dropped: Int(value))
        default: throw unexpected(RedisFrontierScripts.robotsFailed, reply)
        }
    }

    /// Stores a host's robots.txt (encoded) for every worker, keeping at most `most` files; releases the host's lock.
    func storeRobots(_ encoded: [UInt8], host hostKey: String, lifetime: Duration, crawlDelay: Duration?, most: Int)
        async throws(RedisError)
    {
        let scriptKeys = keys.common + [keys.robots(host: hostKey), keys.host(hostKey), keys.robotsIndex, keys.robotsLock(host: hostKey)]
        _ = try await evaluate(
            RedisFrontierScripts.storeRobots, keys: scriptKeys,
            arguments: [
                keys.prefix, Array(hostKey.utf8), encoded, Self.number(lifetime.flooredMilliseconds),
                Self.number(crawlDelay.map { policy.cappedCrawlDelay($0).flooredMilliseconds } ?? -1), Self.number(max(1, most))
            ])
    }

    /// Marks a fingerprint seen; `true` when it was new.
    func markSeen(_ fingerprint: UInt64) async throws(RedisError) -> Bool {
        let (bucket, member) = RedisFrontierEntryCoding.seenKey(fingerprint)
        let reply = try await evaluate(
            RedisFrontierScripts.markSeen, keys: keys.common + [keys.seenSet(bucket)], arguments: [keys.prefix, member])
        guard let added = reply.int else { throw unexpected(RedisFrontierScripts.markSeen, reply) }
        return added == 1
    }

    /// Extends leases and this worker's heartbeat; how many leases were still held.
    @discardableResult
    func renew(_ leases: [String], leaseTimeout: Duration, workerID: String) async throws(RedisError) -> Int {
        let arguments: [[UInt8]] =
            [
                keys.prefix, Self.number(leaseTimeout.flooredMilliseconds), Array(workerID.utf8),
                Self.number(leaseTimeout.flooredMilliseconds), limitArgument, delayArgument
            ] + leases.map { Array($0.utf8) }
        let reply = try await evaluate(RedisFrontierScripts.renew, keys: keys.common + [keys.replies], arguments: arguments)
        guard let held = reply.int else { throw unexpected(RedisFrontierScripts.renew, reply) }
        return Int(held)
    }

    /// Runs a script with the crawl's keys (and the recorded decisions waiting, in the same write).
    func evaluate(_ script: RedisScript, keys scriptKeys: [[UInt8]], arguments: [[UInt8]]) async throws(RedisError) -> RedisReply {
        let riders = decisions?.takeOutbox() ?? []
        do {
            return try await connection.evaluate(script.source, keys: scriptKeys, arguments: arguments, after: riders)
        } catch {
            // An error reply came after the riders were written; anything else may have lost them.
            if case .server = error.cause {} else { decisions?.lose(riders.count) }
            throw error
        }
    }

    // MARK: Failures

    /// Redis calls that failed, and the last error.
    var errorCount: (count: Int, last: RedisError?) {
        health.withLock { ($0.errorCount, $0.lastError) }
    }

    /// Why the worker gave up on Redis, once it did.
    var failure: RedisError? {
        health.withLock { $0.failure }
    }

    /// Counts a failed call; gives up when Redis has been unreachable for
    /// longer than ``outageTimeout``, refused the credentials, or its TLS certificate failed the check.
    func record(_ error: RedisError) {
        health.withLock { health in
            health.errorCount += 1
            health.lastError = error
            let now = ContinuousClock.now
            let started = health.outageStarted ?? now
            health.outageStarted = started
            guard health.failure == nil else { return }
            switch error.cause {
            case .authentication, .certificateNotTrusted, .hostnameMismatch:
                // Trying again will not change the answer.
                health.failure = error
                return
            default:
                break
            }
            if now - started >= outageTimeout {
                health.failure = RedisError(address: error.address, cause: .unavailable(since: now - started, last: "\(error.cause)"))
            }
        }
    }

    /// Ends an outage: a call got through.
    func recordSuccess() {
        health.withLock { $0.outageStarted = nil }
    }

    /// Runs `body` until it succeeds (reconnecting each time: the connection
    /// does that by itself), waiting 50 ms after the first failure, twice as
    /// long after each next one, 2 s at most; `nil` when `maxAttempts` tries
    /// failed or the worker gave up on Redis (``failure``).
    func withRetries<Value: Sendable>(_ body: () async throws(RedisError) -> Value) async -> Value? {
        var delay = Duration.milliseconds(50)
        for attempt in 1...maxAttempts {
            if failure != nil { return nil }
            do {
                let value = try await body()
                recordSuccess()
                return value
            } catch {
                record(error)
                guard attempt < maxAttempts, failure == nil else { return nil }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
        return nil
    }

    // MARK: Encoding

    /// The add script's host rules: `HOST\nLIMIT\nDELAY_MS\nTHROTTLE_MS` for
    /// each host of the batch that a `PolitenessPolicy.hostSettings` rule
    /// matches (empty without rules, so a crawl without them pays nothing).
    private func hostRulesArgument(for batch: [FrontierEntry]) -> [UInt8] {
        guard !policy.hostSettings.isEmpty else { return [] }
        var text = ""
        var done: Set<String> = []
        for entry in batch where done.insert(entry.hostKey).inserted && policy.hostSettings.settings(forHostKey: entry.hostKey) != nil {
            let limits = policy.limits(forHost: entry.hostKey)
            let throttle = limits.autoThrottle.map { $0.startDelay.flooredMilliseconds } ?? -1
            text += "\(entry.hostKey)\n\(limits.maxConcurrency)\n\(limits.delay.flooredMilliseconds)\n\(throttle)\n"
        }
        return Array(text.utf8)
    }

    static func number<Value: BinaryInteger>(_ value: Value) -> [UInt8] { Array(String(value).utf8) }
    static func flag(_ value: Bool) -> [UInt8] { Array((value ? "1" : "0").utf8) }

    private func unexpected(_ script: RedisScript, _ reply: RedisReply) -> RedisError {
        RedisError(address: connection.address, cause: .unexpectedReply("\(script.name): \(reply)"))
    }
}
