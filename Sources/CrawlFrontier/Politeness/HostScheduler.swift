import DequeModule
import HeapModule

/// Hands out queued URLs so that every host is treated politely and fairly.
///
/// Each host (`scheme://host:port`) has its own queue, ordered by priority,
/// then depth (breadth-first), then arrival. A host's next URL is handed out
/// only while it has fewer than ``PolitenessPolicy/maxConcurrencyPerHost``
/// requests in flight (or its ``HostSettings`` rule's count, see
/// ``PolitenessPolicy/limits(forHost:)``) and its delay since the last start
/// has passed (the policy's or its rule's delay, its robots.txt `Crawl-delay` (capped), its AutoThrottle
/// delay, whichever is longest), unless the host is paused. Hosts take turns
/// (round robin), so one slow or huge host never starves the others.
///
/// A URL that asks to wait (`503` with `Retry-After`, a 5xx, a time-out)
/// waits alone: its host goes on with its other URLs. The host pauses only
/// on host-level signals: `429`, or failures on
/// ``PolitenessPolicy/hostFailureThreshold`` distinct URLs within
/// ``PolitenessPolicy/hostFailureWindow`` (no success in between); such a
/// pause lasts the policy's backoff, doubling with each pause in a row. No
/// wait exceeds ``PolitenessPolicy/maxRetryWait``: a URL asking for more is
/// given back as ``FrontierCompletion/waitTooLong(asked:)``.
///
/// The scheduler is a plain value with no clock of its own: every call takes
/// `now`, so its behaviour is deterministic and testable without sleeping.
/// ``nextEventTime(now:)`` says when waiting may end. It is not thread-safe;
/// the ``Frontier`` wraps it for concurrent use.
package struct HostScheduler: Sendable {
    /// A point in time, as the caller's clock gives it.
    public typealias Instant = ContinuousClock.Instant

    /// What happened to a completed request's URL (the frontier's own type).
    public typealias CompletionResult = FrontierCompletion

    /// How a request ended, as far as politeness and retries care (the frontier's own type).
    public typealias Outcome = FetchOutcome

    private struct QueuedEntry: Comparable {
        var entry: FrontierEntry
        var sequence: Int

        static func < (lhs: QueuedEntry, rhs: QueuedEntry) -> Bool {
            if lhs.entry.priority != rhs.entry.priority { return lhs.entry.priority > rhs.entry.priority }
            if lhs.entry.depth != rhs.entry.depth { return lhs.entry.depth < rhs.entry.depth }
            return lhs.sequence < rhs.sequence
        }

        static func == (lhs: QueuedEntry, rhs: QueuedEntry) -> Bool {
            lhs.sequence == rhs.sequence
        }
    }

    /// A host waiting for its delay, or a retry waiting for its backoff (its
    /// entry is in `retries` under `sequence`: the heap moves small values).
    private struct Timed: Comparable {
        var time: Instant
        var sequence: Int
        var hostKey: String

        static func < (lhs: Timed, rhs: Timed) -> Bool {
            lhs.time != rhs.time ? lhs.time < rhs.time : lhs.sequence < rhs.sequence
        }

        static func == (lhs: Timed, rhs: Timed) -> Bool {
            lhs.time == rhs.time && lhs.sequence == rhs.sequence
        }
    }

    private struct Host {
        /// The host's concurrency, delay and AutoThrottle (the policy's, or its host rule's).
        var limits: HostLimits
        var queue = Heap<QueuedEntry>()
        var inFlight = 0
        var lastStart: Instant?
        /// When the host's last request ended: the delay also runs from there,
        /// so a slow answer is not followed at once by the next request.
        var lastEnd: Instant?
        var crawlDelay: Duration = .zero
        var throttleDelay: Duration = .zero
        var pause: HostPause?
        /// Recent failures of distinct URLs (fingerprint, when), oldest first.
        var failures: [(fingerprint: UInt64, at: Instant)] = []
        /// Pauses for failures in a row (reset by a success).
        var pauseStreak = 0

        init(limits: HostLimits) {
            self.limits = limits
            throttleDelay = limits.autoThrottle?.startDelay ?? .zero
        }
    }

    /// The policy in force.
    public let policy: PolitenessPolicy
    private var hosts: [String: Host] = [:]
    private var ready = Deque<String>()
    private var isReady: Set<String> = []
    /// Hosts waiting for their delay, and retries waiting for their backoff.
    private var timers = Heap<Timed>()
    /// The URLs of the retries in `timers`, by their timers' sequence numbers.
    private var retries: [Int: FrontierEntry] = [:]
    private var sequence = 0
    private var pendingRetries: Int { retries.count }
    /// Hosts that were paused (some pauses may have ended since).
    private var pausedHostKeys: Set<String> = []
    /// Hosts given up: their URLs are dropped.
    private var givenUpHostKeys: Set<String> = []
    /// Retries of given-up hosts dropped when their time came, until ``takeDropped()``.
    private var dropped: [FrontierEntry] = []
    /// Host pauses so far (429 and failures).
    public private(set) var pauseCount = 0
    /// URLs waiting in host queues.
    public private(set) var queuedCount = 0
    /// URLs handed out and not completed yet.
    public private(set) var inFlightCount = 0

    /// Creates an empty scheduler.
    public init(policy: PolitenessPolicy = PolitenessPolicy()) {
        self.policy = policy
    }

    /// How many hosts have a record: URLs queued or in flight, a delay not
    /// over yet, or state to keep (a pause, failures, a `Crawl-delay`, an
    /// AutoThrottle slow-down, given up). An idle host whose delay is over
    /// and that has no such state has no record (``next(now:)`` drops it):
    /// a crawl of a million hosts keeps records only for its busy ones.
    public var hostCount: Int { hosts.count }

    /// The estimated bytes of one host's record (the dictionary's slack, the
    /// key's storage and its place in the turn order included).
    public static let hostRecordBytes = 2 * (MemoryLayout<Host>.stride + MemoryLayout<String>.stride) + 64 + 48

    /// URLs waiting for a retry's backoff to pass.
    public var retryingCount: Int { pendingRetries }

    /// Whether nothing is queued, in flight, or waiting to be retried.
    public var isIdle: Bool { queuedCount == 0 && inFlightCount == 0 && pendingRetries == 0 }

    /// Hosts given up (see ``giveUp(host:)``).
    public var givenUpHostCount: Int { givenUpHostKeys.count }

    /// Whether a host was given up.
    public func isGivenUp(_ hostKey: String) -> Bool {
        !givenUpHostKeys.isEmpty && givenUpHostKeys.contains(hostKey)
    }

    /// Queues a URL on its host; `false` (and nothing queued) when the host was given up.
    /// - Parameter entry: the URL.
    /// - Parameter arrival: its place among the host's URLs of equal priority
    ///   and depth, from ``takeArrivalNumber()`` (`nil`: a new one, after every other).
    @discardableResult
    public mutating func enqueue(_ entry: FrontierEntry, arrival: Int? = nil) -> Bool {
        guard !isGivenUp(entry.hostKey) else { return false }
        var entry = entry
        let number = arrival ?? takeArrivalNumber()
        if let index = hosts.index(forKey: entry.hostKey) {
            // One copy of a host's key for all its queued URLs, not one each.
            entry.hostKey = hosts.keys[index]
            hosts.values[index].queue.insert(QueuedEntry(entry: entry, sequence: number))
        } else {
            var host = Host(limits: policy.limits(forHost: entry.hostKey))
            host.queue.insert(QueuedEntry(entry: entry, sequence: number))
            hosts[entry.hostKey] = host
        }
        queuedCount += 1
        activate(entry.hostKey)
        return true
    }

    /// A new arrival number: URLs of a host with equal priority and depth go
    /// out in the order of these numbers. (A frontier that keeps some URLs
    /// elsewhere, on disk say, numbers them here so they keep their place.)
    public mutating func takeArrivalNumber() -> Int {
        sequence += 1
        return sequence
    }

    /// URLs of a host waiting in its queue.
    /// - Parameter hostKey: the host.
    public func queuedCount(ofHost hostKey: String) -> Int {
        hosts[hostKey]?.queue.count ?? 0
    }

    /// The host's queued URL that would go out last, with its arrival number.
    /// - Parameter hostKey: the host.
    public func lastQueued(ofHost hostKey: String) -> (entry: FrontierEntry, arrival: Int)? {
        guard let index = hosts.index(forKey: hostKey) else { return nil }
        return hosts.values[index].queue.max.map { ($0.entry, $0.sequence) }
    }

    /// Takes out the host's queued URL that would go out last (to keep it
    /// elsewhere), with its arrival number.
    /// - Parameter hostKey: the host.
    public mutating func removeLastQueued(ofHost hostKey: String) -> (entry: FrontierEntry, arrival: Int)? {
        guard var host = hosts.removeValue(forKey: hostKey) else { return nil }
        let last = host.queue.popMax()
        hosts[hostKey] = host
        if last != nil { queuedCount -= 1 }
        return last.map { ($0.entry, $0.sequence) }
    }

    /// Whether URL `lhs` goes out before `rhs` of the same host: higher
    /// priority, then lower depth, then lower arrival number.
    /// - Parameters:
    ///   - lhs: a URL and its arrival number.
    ///   - rhs: another URL of the same host and its arrival number.
    public static func precedes(_ lhs: (entry: FrontierEntry, arrival: Int), _ rhs: (entry: FrontierEntry, arrival: Int)) -> Bool {
        QueuedEntry(entry: lhs.entry, sequence: lhs.arrival) < QueuedEntry(entry: rhs.entry, sequence: rhs.arrival)
    }

    /// Sets a host's robots.txt `Crawl-delay`, cut to ``PolitenessPolicy/maxCrawlDelay``
    /// (it applies when longer than the policy's delay).
    public mutating func setCrawlDelay(_ delay: Duration, forHost hostKey: String) {
        hosts[hostKey, default: Host(limits: policy.limits(forHost: hostKey))].crawlDelay = policy.cappedCrawlDelay(delay)
    }

    /// A host's `Crawl-delay` as honoured (zero when it gave none).
    public func crawlDelay(ofHost hostKey: String) -> Duration {
        hosts[hostKey]?.crawlDelay ?? .zero
    }

    /// Whether a host's queued and in-flight URLs at its `Crawl-delay` would
    /// take longer than ``PolitenessPolicy/hostTimeBudget``.
    public func exceedsTimeBudget(_ hostKey: String) -> Bool {
        guard let host = hosts[hostKey] else { return false }
        return policy.exceedsHostBudget(queued: host.queue.count + host.inFlight, crawlDelay: host.crawlDelay)
    }

    /// Gives a host up: its queued URLs are taken out and returned, and its
    /// later URLs and retries are dropped (see ``takeDropped()``).
    public mutating func giveUp(host hostKey: String) -> [FrontierEntry] {
        givenUpHostKeys.insert(hostKey)
        pausedHostKeys.remove(hostKey)
        guard var host = hosts.removeValue(forKey: hostKey) else { return [] }
        let entries = host.queue.unordered.map(\.entry)
        host.queue = Heap()
        host.pause = nil
        queuedCount -= entries.count
        hosts[hostKey] = host
        return entries
    }

    /// Retries of given-up hosts dropped since the last call.
    public mutating func takeDropped() -> [FrontierEntry] {
        defer { dropped.removeAll() }
        return dropped
    }

    /// A host's pause, when it has one in force at `now`.
    public func pause(ofHost hostKey: String, now: Instant) -> HostPause? {
        hosts[hostKey]?.pause.flatMap { $0.until > now ? $0 : nil }
    }

    /// The hosts paused at `now`, with their pauses.
    public func pausedHosts(now: Instant) -> [String: HostPause] {
        var paused: [String: HostPause] = [:]
        for hostKey in pausedHostKeys {
            if let pause = hosts[hostKey]?.pause, pause.until > now { paused[hostKey] = pause }
        }
        return paused
    }

    /// When the earliest URL waiting for its own retry may go, if any waits.
    public var nextRetryTime: Instant? {
        pendingRetries == 0 ? nil : timers.unordered.lazy.filter { retries[$0.sequence] != nil }.map(\.time).min()
    }

    /// The next URL whose host's politeness allows it at `now`, marked as in
    /// flight; `nil` when none may go yet (see ``nextEventTime(now:)``).
    public mutating func next(now: Instant) -> FrontierEntry? {
        releaseTimers(now: now)
        var turns = ready.count
        while turns > 0, let hostKey = ready.popFirst() {
            turns -= 1
            isReady.remove(hostKey)
            let (eligible, allowedAt) = dispatchState(of: hostKey)
            guard eligible else {
                // Empty or at its limit: a completion or an enqueue brings it back.
                dropIfIdle(hostKey, now: now)
                continue
            }
            if let allowedAt, allowedAt > now {
                schedule(hostKey, at: allowedAt)
                continue
            }
            guard let (queued, hasMore) = takeNext(from: hostKey, now: now) else { continue }
            queuedCount -= 1
            inFlightCount += 1
            if hasMore { activate(hostKey) }
            return queued.entry
        }
        return nil
    }

    /// When something may next become ready without a completion: `now` if a
    /// host can go at once, the earliest delay or backoff end otherwise, and
    /// `nil` when only completions can change anything.
    public func nextEventTime(now: Instant) -> Instant? {
        var earliest = timers.min?.time
        for hostKey in ready {
            guard let index = hosts.index(forKey: hostKey), !hosts.values[index].queue.isEmpty,
                hosts.values[index].inFlight < hosts.values[index].limits.maxConcurrency
            else { continue }
            let start = earliestStart(of: hosts.values[index]) ?? now
            earliest = min(earliest ?? start, start)
        }
        return earliest.map { max(now, $0) }
    }

    /// Records how a handed-out URL ended and frees its host's slot.
    public mutating func complete(_ entry: FrontierEntry, outcome: Outcome, now: Instant) -> CompletionResult {
        let hostKey = entry.hostKey
        if let index = hosts.index(forKey: hostKey), hosts.values[index].inFlight > 0 {
            var host = hosts.values[index]
            host.inFlight -= 1
            host.lastEnd = now
            inFlightCount -= 1
            if let throttle = host.limits.autoThrottle {
                switch outcome {
                case .success(let latency):
                    host.throttleDelay = throttle.adjusted(host.throttleDelay, latency: latency, succeeded: true)
                case .transientFailure(let latency):
                    host.throttleDelay = throttle.adjusted(host.throttleDelay, latency: latency, succeeded: false)
                case .retryAfter, .hostBusy, .permanentFailure:
                    break
                }
            }
            switch outcome {
            case .success:
                host.failures.removeAll()
                host.pauseStreak = 0
            case .hostBusy(let wait):
                pause(&host, hostKey, until: now + min(max(.zero, wait), policy.maxRetryWait), reason: .retryAfter)
            case .retryAfter, .transientFailure:
                noteFailure(&host, hostKey, fingerprint: entry.fingerprint, now: now)
            case .permanentFailure:
                break
            }
            hosts.values[index] = host
            activate(hostKey)
        }
        switch outcome {
        case .success, .permanentFailure:
            return .done
        case .hostBusy(let wait):
            if wait > policy.maxRetryWait { return .waitTooLong(asked: wait) }
            guard entry.attempt < policy.maxRetries else { return .gaveUp }
            var retry = entry
            retry.attempt += 1
            // The host itself is paused until then; the URL waits in its queue.
            guard enqueue(retry) else { return .gaveUp }
            return .retryScheduled(at: now + max(.zero, wait))
        case .retryAfter(let wait):
            if wait > policy.maxRetryWait { return .waitTooLong(asked: wait) }
            return scheduleRetry(of: entry, at: now + max(.zero, wait))
        case .transientFailure:
            return scheduleRetry(of: entry, at: now + policy.backoff(beforeRetry: entry.attempt + 1))
        }
    }

    // MARK: Internals

    /// Puts a URL aside until `at` (its host goes on with its other URLs).
    private mutating func scheduleRetry(of entry: FrontierEntry, at: Instant) -> CompletionResult {
        guard entry.attempt < policy.maxRetries, !givenUpHostKeys.contains(entry.hostKey) else { return .gaveUp }
        var retry = entry
        retry.attempt += 1
        sequence += 1
        timers.insert(Timed(time: at, sequence: sequence, hostKey: entry.hostKey))
        retries[sequence] = retry
        return .retryScheduled(at: at)
    }

    /// Pauses a host until `until` (a longer pause already in force stays).
    private mutating func pause(_ host: inout Host, _ hostKey: String, until: Instant, reason: HostPause.Reason) {
        if let current = host.pause, current.until >= until { return }
        host.pause = HostPause(until: until, reason: reason)
        pausedHostKeys.insert(hostKey)
        pauseCount += 1
    }

    /// Counts a failure of a distinct URL; enough of them within the window pause the host.
    private mutating func noteFailure(_ host: inout Host, _ hostKey: String, fingerprint: UInt64, now: Instant) {
        host.failures.removeAll { now - $0.at > policy.hostFailureWindow || $0.fingerprint == fingerprint }
        host.failures.append((fingerprint, now))
        guard host.failures.count >= policy.hostFailureThreshold else { return }
        host.failures.removeAll()
        host.pauseStreak += 1
        pause(&host, hostKey, until: now + policy.backoff(beforeRetry: host.pauseStreak), reason: .failures)
    }

    /// Whether a host has URLs and a free slot, and when its politeness next
    /// allows a start. (A separate function, so no copy of the host, and of
    /// its queue's storage, is alive while ``takeNext(from:now:)`` changes it.)
    private func dispatchState(of hostKey: String) -> (eligible: Bool, allowedAt: Instant?) {
        // Read in place through the index: a copy of the record costs more than the rest.
        guard let index = hosts.index(forKey: hostKey), !hosts.values[index].queue.isEmpty,
            hosts.values[index].inFlight < hosts.values[index].limits.maxConcurrency
        else {
            return (false, nil)
        }
        return (true, earliestStart(of: hosts.values[index]))
    }

    /// Pops a host's next URL and marks it in flight, and whether the host has
    /// more queued. The record changes in place in the dictionary (through its
    /// index), so the queue's storage is uniquely referenced and not copied.
    private mutating func takeNext(from hostKey: String, now: Instant) -> (queued: QueuedEntry, hasMore: Bool)? {
        guard let index = hosts.index(forKey: hostKey) else { return nil }
        if let pause = hosts.values[index].pause, pause.until <= now {
            hosts.values[index].pause = nil
            pausedHostKeys.remove(hostKey)
        }
        guard let queued = hosts.values[index].queue.popMin() else { return nil }
        let hasMore = !hosts.values[index].queue.isEmpty
        // An idle host keeps a small record, not the storage of its longest queue.
        if !hasMore { hosts.values[index].queue = Heap() }
        hosts.values[index].inFlight += 1
        hosts.values[index].lastStart = now
        return (queued, hasMore)
    }

    /// Drops the record of a host with nothing queued or in flight and no
    /// state a new record would not have; one whose delay is not over yet
    /// comes back to the turn order when it is, and goes then.
    private mutating func dropIfIdle(_ hostKey: String, now: Instant) {
        guard let index = hosts.index(forKey: hostKey) else { return }
        let host = hosts.values[index]
        guard host.queue.isEmpty, host.inFlight == 0, !givenUpHostKeys.contains(hostKey), host.failures.isEmpty,
            host.pauseStreak == 0, host.crawlDelay == .zero, host.throttleDelay <= (host.limits.autoThrottle?.startDelay ?? .zero)
        else { return }
        if let allowedAt = earliestStart(of: host), allowedAt > now {
            schedule(hostKey, at: allowedAt)
            return
        }
        hosts.remove(at: index)
        pausedHostKeys.remove(hostKey)
    }

    private func earliestStart(of host: Host) -> Instant? {
        var earliest = host.pause?.until
        if let lastStart = host.lastStart {
            let delay = max(host.limits.delay, host.crawlDelay, host.limits.autoThrottle == nil ? .zero : host.throttleDelay)
            if delay > .zero {
                let byDelay = max(lastStart, host.lastEnd ?? lastStart) + delay
                earliest = max(earliest ?? byDelay, byDelay)
            }
        }
        return earliest
    }

    private mutating func activate(_ hostKey: String) {
        guard isReady.insert(hostKey).inserted else { return }
        ready.append(hostKey)
    }

    private mutating func schedule(_ hostKey: String, at time: Instant) {
        sequence += 1
        timers.insert(Timed(time: time, sequence: sequence, hostKey: hostKey))
    }

    /// Moves due retries into their queues and due hosts back into the turn order.
    private mutating func releaseTimers(now: Instant) {
        while let first = timers.min, first.time <= now {
            _ = timers.popMin()
            if let entry = retries.removeValue(forKey: first.sequence) {
                if !enqueue(entry) { dropped.append(entry) }
            } else {
                activate(first.hostKey)
            }
        }
    }
}
