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

        var position: QueuePosition { QueuePosition(entry, arrival: sequence) }

        static func < (lhs: QueuedEntry, rhs: QueuedEntry) -> Bool {
            lhs.position < rhs.position
        }

        static func == (lhs: QueuedEntry, rhs: QueuedEntry) -> Bool {
            lhs.sequence == rhs.sequence
        }
    }

    /// A host waiting for its delay (by its record's slot), or a retry
    /// waiting for its backoff (its entry is in `retries` under `sequence`):
    /// plain values, so the heap moves them without reference counting.
    private struct Timed: Comparable {
        var time: Instant
        var sequence: Int
        var slot: Int

        static func < (lhs: Timed, rhs: Timed) -> Bool {
            lhs.time != rhs.time ? lhs.time < rhs.time : lhs.sequence < rhs.sequence
        }

        static func == (lhs: Timed, rhs: Timed) -> Bool {
            lhs.time == rhs.time && lhs.sequence == rhs.sequence
        }
    }

    private struct Host {
        /// The host's key (one copy, shared by its queued URLs).
        let key: String
        /// Whether the slot holds a host (a dropped host's slot holds a vacant record).
        var isLive = true
        /// Whether the host is in the turn order (`ready`).
        var isReady = false
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
        /// URLs of the host its owner counts as waiting (see ``HostScheduler/changeWaiting(ofHost:by:)``).
        var waiting = 0

        /// A vacant slot's record.
        static func vacant() -> Host {
            var host = Host(key: "", limits: HostLimits(maxConcurrency: 1, delay: .zero, autoThrottle: nil))
            host.isLive = false
            return host
        }

        init(key: String, limits: HostLimits) {
            self.key = key
            self.limits = limits
            throttleDelay = limits.autoThrottle?.startDelay ?? .zero
        }

        /// Whether it has URLs queued and a free slot.
        var hasRoom: Bool { !queue.isEmpty && inFlight < limits.maxConcurrency }

        /// Whether nothing is queued or in flight and it holds no state a new record would not have.
        var isIdle: Bool {
            queue.isEmpty && inFlight == 0 && waiting == 0 && failures.isEmpty && pauseStreak == 0 && crawlDelay == .zero
                && throttleDelay <= (limits.autoThrottle?.startDelay ?? .zero)
        }

        /// When its pause and delays next allow a start (`nil`: now).
        var earliestStart: Instant? {
            var earliest = pause?.until
            if let lastStart {
                let delay = max(limits.delay, crawlDelay, limits.autoThrottle == nil ? .zero : throttleDelay)
                if delay > .zero {
                    let byDelay = max(lastStart, lastEnd ?? lastStart) + delay
                    earliest = max(earliest ?? byDelay, byDelay)
                }
            }
            return earliest
        }

        /// Pops its next URL and marks it in flight: the URL, whether more are
        /// queued, and whether a pause ended.
        mutating func takeNext(now: Instant) -> (queued: QueuedEntry, hasMore: Bool, pauseEnded: Bool)? {
            var pauseEnded = false
            if let pause, pause.until <= now {
                self.pause = nil
                pauseEnded = true
            }
            guard let queued = queue.popMin() else { return nil }
            let hasMore = !queue.isEmpty
            // An idle host keeps a small record, not the storage of its longest queue.
            if !hasMore { queue = Heap() }
            inFlight += 1
            lastStart = now
            return (queued, hasMore, pauseEnded)
        }
    }

    /// A host with a record, known by its record's slot: valid while the
    /// record lives (URLs queued, in flight or counted as waiting, a delay
    /// not over yet, or state to keep), so callers resolve a host's key once
    /// and then index its record instead of hashing the key again.
    public typealias HostID = Int

    /// Where a URL stands among its host's queued URLs: higher priority,
    /// then lower depth, then lower arrival number go out first.
    public struct QueuePosition: Comparable, Sendable {
        /// The URL's priority.
        public var priority: Int
        /// The URL's depth.
        public var depth: Int
        /// The URL's arrival number (see ``HostScheduler/takeArrivalNumber()``).
        public var arrival: Int

        /// The position of `entry` with arrival number `arrival`.
        public init(_ entry: FrontierEntry, arrival: Int) {
            priority = entry.priority
            depth = entry.depth
            self.arrival = arrival
        }

        /// Whether `lhs` goes out before `rhs`.
        public static func < (lhs: QueuePosition, rhs: QueuePosition) -> Bool {
            if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
            if lhs.depth != rhs.depth { return lhs.depth < rhs.depth }
            return lhs.arrival < rhs.arrival
        }
    }

    /// The policy in force.
    public let policy: PolitenessPolicy
    /// The hosts' records, by slot (a dropped record's slot is used again).
    /// Hosts are looked up by key once per call; the turn order and the
    /// timers hold slots, so they hash nothing and count no references.
    /// (Not optional: a field of an element is then read in place, with no
    /// copy of the whole record.)
    private var records: [Host] = []
    /// The slot of each host with a record.
    private var slots: [String: Int] = [:]
    private var freeSlots: [Int] = []
    /// Hosts in the turn order, by slot.
    private var ready = Deque<Int>()
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
    public var hostCount: Int { slots.count }

    /// The estimated bytes of one host's record (the dictionary's slack, the
    /// key's storage and its place in the turn order included).
    public static let hostRecordBytes = 2 * (MemoryLayout<Host>.stride + MemoryLayout<String>.stride + MemoryLayout<Int>.stride) + 64 + 48

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
        return enqueue(entry, arrival: arrival ?? takeArrivalNumber(), host: record(forKey: entry.hostKey))
    }

    /// Queues a URL on its host, known by its id (from ``hostID(ofHost:)``
    /// or ``makeHostID(forHost:)``); `false` (and nothing queued) when the host was given up.
    /// - Parameters:
    ///   - entry: the URL (of the host `slot`).
    ///   - arrival: its arrival number, from ``takeArrivalNumber()``.
    ///   - slot: its host's id.
    @discardableResult
    public mutating func enqueue(_ entry: FrontierEntry, arrival number: Int, host slot: HostID) -> Bool {
        guard !isGivenUp(entry.hostKey) else { return false }
        var entry = entry
        // One copy of a host's key for all its queued URLs, not one each.
        entry.hostKey = records[slot].key
        records[slot].queue.insert(QueuedEntry(entry: entry, sequence: number))
        queuedCount += 1
        activate(slot)
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
        slots[hostKey].flatMap { records[$0].queue.count } ?? 0
    }

    /// The id of a host with a record (`nil`: it has none).
    /// - Parameter hostKey: the host.
    public func hostID(ofHost hostKey: String) -> HostID? {
        slots[hostKey]
    }

    /// The id of a host's record, made when it has none. A record made for
    /// nothing is dropped once ``next(now:)`` finds it idle: give it a URL
    /// or a waiting count (``changeWaiting(ofHost:by:)``) at once.
    /// - Parameter hostKey: the host.
    public mutating func makeHostID(forHost hostKey: String) -> HostID {
        record(forKey: hostKey)
    }

    /// URLs of the host its owner counts as waiting (see ``changeWaiting(ofHost:by:)``).
    /// - Parameter slot: the host's id.
    public func waiting(ofHost slot: HostID) -> Int {
        records[slot].waiting
    }

    /// Changes the count of the host's URLs its owner keeps as waiting
    /// (queued here or held elsewhere): the record is kept while it is not
    /// zero, and handed to ``next(now:)`` to be dropped once it is, when idle.
    /// - Parameters:
    ///   - slot: the host's id.
    ///   - change: what to add to the count.
    public mutating func changeWaiting(ofHost slot: HostID, by change: Int) {
        records[slot].waiting += change
        if records[slot].waiting == 0 { activate(slot) }
    }

    /// Where the host's queued URL that would go out last stands.
    /// - Parameter slot: the host's id.
    public func lastQueuedPosition(ofHost slot: HostID) -> QueuePosition? {
        records[slot].queue.max?.position
    }

    /// Takes out the host's queued URL that would go out last (to keep it
    /// elsewhere), with its arrival number.
    /// - Parameter slot: the host's id.
    public mutating func removeLastQueued(ofHost slot: HostID) -> (entry: FrontierEntry, arrival: Int)? {
        let last = records[slot].queue.popMax()
        if last != nil { queuedCount -= 1 }
        return last.map { ($0.entry, $0.sequence) }
    }

    /// Sets a host's robots.txt `Crawl-delay`, cut to ``PolitenessPolicy/maxCrawlDelay``
    /// (it applies when longer than the policy's delay).
    public mutating func setCrawlDelay(_ delay: Duration, forHost hostKey: String) {
        records[record(forKey: hostKey)].crawlDelay = policy.cappedCrawlDelay(delay)
    }

    /// Counts a request to a known host made outside the scheduler (its
    /// robots.txt): the host's delay runs from the later of its start and end too.
    public mutating func noteRequest(toHost hostKey: String, started: Instant, ended: Instant) {
        guard let slot = slots[hostKey] else { return }
        records[slot].lastStart = max(records[slot].lastStart ?? started, started)
        records[slot].lastEnd = max(records[slot].lastEnd ?? ended, ended)
    }

    /// A host's `Crawl-delay` as honoured (zero when it gave none).
    public func crawlDelay(ofHost hostKey: String) -> Duration {
        slots[hostKey].flatMap { records[$0].crawlDelay } ?? .zero
    }

    /// Whether a host's queued and in-flight URLs at its `Crawl-delay` would
    /// take longer than ``PolitenessPolicy/hostTimeBudget``.
    public func exceedsTimeBudget(_ hostKey: String) -> Bool {
        guard policy.hostTimeBudget != nil, let slot = slots[hostKey] else { return false }
        return policy.exceedsHostBudget(queued: records[slot].queue.count + records[slot].inFlight, crawlDelay: records[slot].crawlDelay)
    }

    /// Gives a host up: its queued URLs are taken out and returned, and its
    /// later URLs and retries are dropped (see ``takeDropped()``).
    public mutating func giveUp(host hostKey: String) -> [FrontierEntry] {
        givenUpHostKeys.insert(hostKey)
        pausedHostKeys.remove(hostKey)
        guard let slot = slots[hostKey] else { return [] }
        let entries = records[slot].queue.unordered.map(\.entry)
        records[slot].queue = Heap()
        records[slot].pause = nil
        queuedCount -= entries.count
        return entries
    }

    /// Retries of given-up hosts dropped since the last call.
    public mutating func takeDropped() -> [FrontierEntry] {
        defer { dropped.removeAll() }
        return dropped
    }

    /// A host's pause, when it has one in force at `now`.
    public func pause(ofHost hostKey: String, now: Instant) -> HostPause? {
        slots[hostKey].flatMap { records[$0].pause }.flatMap { $0.until > now ? $0 : nil }
    }

    /// The hosts paused at `now`, with their pauses.
    public func pausedHosts(now: Instant) -> [String: HostPause] {
        var paused: [String: HostPause] = [:]
        for hostKey in pausedHostKeys {
            if let pause = slots[hostKey].flatMap({ records[$0].pause }), pause.until > now { paused[hostKey] = pause }
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
        nextWithHost(now: now)?.entry
    }

    /// ``next(now:)``, with the id of the URL's host.
    /// - Parameter now: the time.
    public mutating func nextWithHost(now: Instant) -> (entry: FrontierEntry, host: HostID)? {
        releaseTimers(now: now)
        var turns = ready.count
        while turns > 0, let slot = ready.popFirst() {
            turns -= 1
            records[slot].isReady = false
            guard records[slot].isLive, records[slot].hasRoom else {
                // Empty or at its limit: a completion or an enqueue brings it back.
                dropIfIdle(slot, now: now)
                continue
            }
            if let allowedAt = records[slot].earliestStart, allowedAt > now {
                schedule(slot, at: allowedAt)
                continue
            }
            guard let (queued, hasMore, pauseEnded) = records[slot].takeNext(now: now) else { continue }
            if pauseEnded { pausedHostKeys.remove(records[slot].key) }
            queuedCount -= 1
            inFlightCount += 1
            if hasMore { activate(slot) }
            return (queued.entry, slot)
        }
        return nil
    }

    /// When something may next become ready without a completion: `now` if a
    /// host can go at once, the earliest delay or backoff end otherwise, and
    /// `nil` when only completions can change anything.
    public func nextEventTime(now: Instant) -> Instant? {
        var earliest = timers.min?.time
        for slot in ready where records[slot].isLive && records[slot].hasRoom {
            let start = records[slot].earliestStart ?? now
            earliest = min(earliest ?? start, start)
        }
        return earliest.map { max(now, $0) }
    }

    /// Records how a handed-out URL ended and frees its host's slot (unless
    /// ``releaseSlot(of:outcome:now:)`` freed it already: `slotReleased`).
    /// The URL stops counting as in flight.
    public mutating func complete(_ entry: FrontierEntry, outcome: Outcome, now: Instant, slotReleased: Bool = false) -> CompletionResult {
        if slotReleased || releaseSlot(of: entry, outcome: outcome, now: now) { inFlightCount -= 1 }
        return finish(entry, outcome: outcome, now: now)
    }

    /// Frees a handed-out URL's host slot once its response is in (the
    /// host's next request may start, after its delay from now), and applies
    /// what the outcome tells of the host (AutoThrottle, failures, a pause);
    /// the URL still counts as in flight until it is completed. Whether the
    /// host had a URL in flight to free.
    public mutating func releaseSlot(of entry: FrontierEntry, outcome: Outcome, now: Instant) -> Bool {
        let hostKey = entry.hostKey
        guard let slot = slots[hostKey], records[slot].inFlight > 0 else { return false }
        var host = records[slot]
        host.inFlight -= 1
        host.lastEnd = now
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
        records[slot] = host
        activate(slot)
        return true
    }

    /// What comes of a completed URL: done, or a retry queued (or given up).
    private mutating func finish(_ entry: FrontierEntry, outcome: Outcome, now: Instant) -> CompletionResult {
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
        timers.insert(Timed(time: at, sequence: sequence, slot: 0))
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

    /// The slot of a host's record, made when it has none.
    private mutating func record(forKey hostKey: String) -> Int {
        if let slot = slots[hostKey] { return slot }
        let host = Host(key: hostKey, limits: policy.limits(forHost: hostKey))
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            records[slot] = host
        } else {
            slot = records.count
            records.append(host)
        }
        slots[hostKey] = slot
        return slot
    }

    /// Drops the record of a host with nothing queued or in flight and no
    /// state a new record would not have; one whose delay is not over yet
    /// comes back to the turn order when it is, and goes then.
    private mutating func dropIfIdle(_ slot: Int, now: Instant) {
        guard records[slot].isLive, records[slot].isIdle, !isGivenUp(records[slot].key) else { return }
        let key = records[slot].key
        if let allowedAt = records[slot].earliestStart, allowedAt > now {
            schedule(slot, at: allowedAt)
            return
        }
        records[slot] = .vacant()
        slots[key] = nil
        freeSlots.append(slot)
        pausedHostKeys.remove(key)
    }

    /// Puts a host in the turn order (a slot whose record was dropped is skipped).
    private mutating func activate(_ slot: Int) {
        guard records[slot].isLive, !records[slot].isReady else { return }
        records[slot].isReady = true
        ready.append(slot)
    }

    private mutating func schedule(_ slot: Int, at time: Instant) {
        sequence += 1
        timers.insert(Timed(time: time, sequence: sequence, slot: slot))
    }

    /// Moves due retries into their queues and due hosts back into the turn order.
    private mutating func releaseTimers(now: Instant) {
        while let first = timers.min, first.time <= now {
            _ = timers.popMin()
            if let entry = retries.removeValue(forKey: first.sequence) {
                if !enqueue(entry) { dropped.append(entry) }
            } else {
                // A slot dropped and used again since is another host's: one more turn is harmless.
                activate(first.slot)
            }
        }
    }
}
