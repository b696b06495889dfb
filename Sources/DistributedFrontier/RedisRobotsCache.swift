import AsyncURLSupport
import CrawlFrontier

/// robots.txt for a shared crawl: fetched by one worker per host, stored in
/// Redis for the others (at most ``FrontierConfiguration/robotsCacheSize``
/// files: the least recently stored go first), and kept compiled in this
/// worker's memory for the robots lifetime (in a bounded LRU cache).
///
/// The first worker to need a host's file takes the host's lock key (with an
/// expiry, in case it dies), fetches the file and stores it; the others wait
/// for it. A lock holder that never delivers is given
/// ``RedisFrontierOptions/robotsLockTimeout`` (plus 5 s); then this worker
/// fetches the file itself, without sharing it.
///
/// A fetch that fails (unreachable, 429, 5xx) is not stored: the host is
/// paused for a backoff (doubling) shared by every worker, and robots.txt is
/// tried again after it; after ``FrontierConfiguration/robotsMaxAttempts``
/// failures the host is given up (its queue dropped, later URLs refused).
final class RedisRobotsCache: Sendable {
    /// What a host's robots.txt says for now.
    enum Verdict: Sendable {
        /// Its rules (compiled for this crawl's user agent); `fetchedHere`:
        /// this call fetched the file from the host (a request to it that just ended).
        case rules(RobotsMatcher, fetchedHere: Bool = false)
        /// Not known yet: robots.txt failed and is tried again after this wait (the host is paused).
        case retryAfter(Duration)
        /// The host was given up after `failures` failed fetches (`news`: when
        /// this call gave it up, the URLs dropped from its queue and the last failure).
        case givenUp(failures: Int, news: (dropped: Int, lastFailure: String)?)
    }

    private let wire: RedisFrontierWire
    private let configuration: FrontierConfiguration
    private let lockTimeout: Duration
    private let workerID: String
    private let fetcher: FrontierFactory.RobotsFetcher
    private let known: LockedState<RobotsRulesCache>
    private let fetched = LockedState(0)

    init(
        wire: RedisFrontierWire, configuration: FrontierConfiguration, lockTimeout: Duration, workerID: String,
        fetcher: @escaping FrontierFactory.RobotsFetcher
    ) {
        self.wire = wire
        self.configuration = configuration
        self.lockTimeout = lockTimeout
        self.workerID = workerID
        self.fetcher = fetcher
        known = LockedState(RobotsRulesCache(configuration: configuration))
    }

    /// robots.txt files this worker fetched.
    var fetchedCount: Int { fetched.withLock { $0 } }

    /// For each URL, whether this worker's copy of its host's file (when it
    /// has a current one) forbids it. Hosts it does not know yet are allowed here:
    /// the claim checks them.
    func knownDenials(of entries: [FrontierEntry]) -> [Bool] {
        let now = ContinuousClock.now
        // Looked up under the lock, not copied out.
        return known.withLock { known in entries.map { known.denies($0, now: now) } }
    }

    /// The group and line of this worker's copy of the URL's host's file that refuses it (for `--explain`).
    func knownRefusal(of entry: FrontierEntry) -> String? {
        known.withLock { $0.rules(forHost: entry.hostKey)?.refusal(url: entry.url) }
    }

    /// The host's robots.txt rules: this worker's copy, the crawl's copy in
    /// Redis, or fetched by this worker while it holds the host's lock.
    func rules(forHost hostKey: String) async -> Verdict {
        if let current = known.withLock({ $0.rules(forHost: hostKey) }) { return .rules(current) }
        let deadline = ContinuousClock.now + lockTimeout + .seconds(5)
        while ContinuousClock.now < deadline, !Task.isCancelled {
            do {
                if let verdict = try await sharedOrFetched(hostKey) { return verdict }
            } catch {
                wire.record(error)
            }
            // Another worker is fetching it.
            try? await Task.sleep(for: .milliseconds(50))
        }
        // The lock holder never delivered: fetch it here, without sharing it.
        let result = await fetcher(RobotsFetchResult.url(forHostKey: hostKey))
        if let failure = result.failure, let verdict = try? await failed(hostKey, failure: failure) { return verdict }
        return .rules(remember(result.robotsTxt(maxRules: configuration.maxRobotsRules), forHost: hostKey), fetchedHere: true)
    }

    /// The stored file, the verdict on a host whose robots.txt failed, or the
    /// file this worker fetched and stored because it got the lock; `nil`
    /// while another worker holds the lock.
    private func sharedOrFetched(_ hostKey: String) async throws(RedisError) -> Verdict? {
        let connection = wire.connection
        let key = wire.keys.robots(host: hostKey)
        let lockKey = wire.keys.robotsLock(host: hostKey)
        let looks = try await connection.pipeline([
            [Array("GET".utf8), key],
            [Array("SISMEMBER".utf8), wire.keys.givenUp, Array(hostKey.utf8)],
            [Array("HMGET".utf8), wire.keys.host(hostKey), Array("robotsretry".utf8), Array("robotsfails".utf8)],
            [Array("TIME".utf8)]
        ])
        guard looks.count == 4 else { return nil }
        if case .string(let bytes) = looks[0], let file = decode(bytes) { return .rules(remember(file, forHost: hostKey)) }
        let retryState = looks[2].elements
        let failures = retryState.count == 2 ? Int(retryState[1].text ?? "") ?? 0 : 0
        if looks[1].int == 1 { return .givenUp(failures: failures, news: nil) }
        let clock = looks[3].elements.compactMap { $0.text.flatMap { Int64($0) } }
        if retryState.count == 2, let retryAt = retryState[0].text.flatMap({ Int64($0) }), clock.count == 2 {
            let now = clock[0] * 1000 + clock[1] / 1000
            if retryAt > now { return .retryAfter(.milliseconds(retryAt - now)) }
        }
        // The lock, then a second look: a holder stores the file (or gives the
        // host up) before it deletes the lock, so whoever gets the lock after that sees it.
        let replies = try await connection.pipeline([
            [
                Array("SET".utf8), lockKey, Array(workerID.utf8), Array("NX".utf8), Array("PX".utf8),
                RedisFrontierWire.number(lockTimeout.flooredMilliseconds)
            ],
            [Array("GET".utf8), key],
            [Array("SISMEMBER".utf8), wire.keys.givenUp, Array(hostKey.utf8)]
        ])
        let locked = replies.first ?? .null
        if replies.count == 3, case .string(let bytes) = replies[1], let file = decode(bytes) {
            if case .status = locked { _ = try await connection.send([Array("DEL".utf8), lockKey]) }
            return .rules(remember(file, forHost: hostKey))
        }
        if replies.count == 3, replies[2].int == 1 {
            // Given up by the worker that held the lock just before: not fetched again.
            if case .status = locked { _ = try await connection.send([Array("DEL".utf8), lockKey]) }
            return .givenUp(failures: failures, news: nil)
        }
        guard case .status = locked else { return nil }
        let result = await fetcher(RobotsFetchResult.url(forHostKey: hostKey))
        fetched.withLock { $0 += 1 }
        if let failure = result.failure {
            let verdict = try await failed(hostKey, failure: failure)
            _ = try await connection.send([Array("DEL".utf8), lockKey])
            return verdict
        }
        let file = result.robotsTxt(maxRules: configuration.maxRobotsRules)
        try await wire.storeRobots(
            Self.encode(result), host: hostKey, lifetime: configuration.robotsLifetime,
            crawlDelay: file.crawlDelay(for: userAgent(forHost: hostKey)), most: configuration.robotsCacheSize)
        return .rules(remember(file, forHost: hostKey), fetchedHere: true)
    }

    /// Counts a failed fetch in Redis: the host pauses, or is given up.
    private func failed(_ hostKey: String, failure: String) async throws(RedisError) -> Verdict {
        switch try await wire.robotsFailed(
            host: hostKey, attempts: configuration.robotsMaxAttempts, backoff: configuration.robotsRetryBackoff)
        {
        case .retryAfter(let wait): .retryAfter(wait)
        case .givenUp(let dropped): .givenUp(failures: configuration.robotsMaxAttempts, news: (dropped, failure))
        }
    }

    private func remember(_ file: RobotsTxt, forHost hostKey: String) -> RobotsMatcher {
        let matcher = known.withLock { $0.remember(file, forHost: hostKey) }
        if let delay = matcher.crawlDelay {
            configuration.crawlDelayHandler?(hostKey, configuration.policy.cappedCrawlDelay(delay))
        }
        return matcher
    }

    /// The user agent robots.txt groups are matched against for a host: its host rule's, or the crawl's.
    private func userAgent(forHost hostKey: String) -> String {
        configuration.policy.hostSettings.userAgent(forHostKey: hostKey, fallback: configuration.userAgent)
    }

    /// `R<status>\n<body>` (failures are not stored).
    static func encode(_ result: RobotsFetchResult) -> [UInt8] {
        switch result {
        case .unreachable, .failed: Array("U".utf8)
        case .response(let status, let body): Array("R\(status)\n".utf8) + body.prefix(RobotsTxt.maxParsedBytes)
        }
    }

    /// The rules a stored file means; `nil` when it is not something ``encode(_:)`` wrote.
    private func decode(_ bytes: [UInt8]) -> RobotsTxt? {
        Self.decode(bytes, maxRules: configuration.maxRobotsRules)
    }

    /// The rules a stored file means; `nil` when it is not something ``encode(_:)`` wrote.
    static func decode(_ bytes: [UInt8], maxRules: Int = RobotsTxt.defaultMaxRules) -> RobotsTxt? {
        if bytes == Array("U".utf8) { return RobotsFetchResult.unreachable.robotsTxt() }
        guard bytes.first == UInt8(ascii: "R"), let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
            let status = Int(String(decoding: bytes[1..<newline], as: UTF8.self))
        else { return nil }
        return RobotsTxt.from(status: status, body: bytes[(newline + 1)...], maxRules: maxRules)
    }
}
