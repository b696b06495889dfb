import AsyncURLSupport
import CrawlFrontier

/// robots.txt for a shared crawl: fetched by one worker per host, stored in
/// Redis for the others, and kept in this worker's memory for the robots lifetime.
///
/// The first worker to need a host's file takes the host's lock key (with an
/// expiry, in case it dies), fetches the file and stores it; the others wait
/// for it. A lock holder that never delivers is given
/// ``RedisFrontierOptions/robotsLockTimeout`` (plus 5 s); then this worker
/// fetches the file itself, without sharing it.
final class RedisRobotsCache: Sendable {
    private struct Known {
        var file: RobotsTxt
        var expires: ContinuousClock.Instant
    }

    private let wire: RedisFrontierWire
    private let configuration: FrontierConfiguration
    private let lockTimeout: Duration
    private let workerID: String
    private let fetcher: FrontierFactory.RobotsFetcher
    private let known = LockedState<[String: Known]>([:])
    private let fetched = LockedState(0)

    init(wire: RedisFrontierWire, configuration: FrontierConfiguration, lockTimeout: Duration, workerID: String,
         fetcher: @escaping FrontierFactory.RobotsFetcher) {
        self.wire = wire
        self.configuration = configuration
        self.lockTimeout = lockTimeout
        self.workerID = workerID
        self.fetcher = fetcher
    }

    /// robots.txt files this worker fetched.
    var fetchedCount: Int { fetched.withLock { $0 } }

    /// For each URL, whether this worker's copy of its host's file (when it
    /// has a current one) forbids it. Hosts it does not know yet are allowed here:
    /// the claim checks them.
    func knownDenials(of entries: [FrontierEntry]) -> [Bool] {
        let now = ContinuousClock.now
        // Looked up under the lock, not copied out.
        return known.withLock { known in
            entries.map { entry in
                guard let file = known[entry.hostKey], file.expires > now else { return false }
                return !file.file.isAllowed(url: entry.url, userAgent: configuration.userAgent)
            }
        }
    }

    /// The host's robots.txt: this worker's copy, the crawl's copy in Redis,
    /// or fetched by this worker while it holds the host's lock.
    func file(forHost hostKey: String) async -> RobotsTxt {
        if let current = known.withLock({ $0[hostKey] }), current.expires > .now { return current.file }
        let deadline = ContinuousClock.now + lockTimeout + .seconds(5)
        while ContinuousClock.now < deadline, !Task.isCancelled {
            do {
                if let file = try await sharedOrFetched(hostKey) { return remember(file, forHost: hostKey) }
            } catch {
                wire.record(error)
            }
            // Another worker is fetching it.
            try? await Task.sleep(for: .milliseconds(50))
        }
        // The lock holder never delivered: fetch it here, without sharing it.
        return remember(await fetcher(RobotsFetchResult.url(forHostKey: hostKey)).robotsTxt, forHost: hostKey)
    }

    /// The stored file, or the file this worker fetched and stored because it
    /// got the lock; `nil` while another worker holds the lock.
    private func sharedOrFetched(_ hostKey: String) async throws(RedisError) -> RobotsTxt? {
        let connection = wire.connection
        let key = wire.keys.robots(host: hostKey)
        let lockKey = wire.keys.robotsLock(host: hostKey)
        let stored = try await connection.send([Array("GET".utf8), key])
        if case .string(let bytes) = stored, let file = Self.decode(bytes) { return file }
        // The lock, then a second look: a holder stores the file before it
        // deletes the lock, so whoever gets the lock after that sees the file.
        let replies = try await connection.pipeline([
            [Array("SET".utf8), lockKey, Array(workerID.utf8), Array("NX".utf8), Array("PX".utf8), RedisFrontierWire.number(lockTimeout.flooredMilliseconds)],
            [Array("GET".utf8), key],
        ])
        let locked = replies.first ?? .null
        if replies.count == 2, case .string(let bytes) = replies[1], let file = Self.decode(bytes) {
            if case .status = locked { _ = try await connection.send([Array("DEL".utf8), lockKey]) }
            return file
        }
        guard case .status = locked else { return nil }
        let result = await fetcher(RobotsFetchResult.url(forHostKey: hostKey))
        let file = result.robotsTxt
        var commands: [[[UInt8]]] = [
            [Array("SET".utf8), key, Self.encode(result), Array("PX".utf8), RedisFrontierWire.number(configuration.robotsLifetime.flooredMilliseconds)],
            [Array("HINCRBY".utf8), wire.keys.stats, Array("robotsFetched".utf8), Array("1".utf8)],
            [Array("DEL".utf8), lockKey],
        ]
        if let delay = file.crawlDelay(for: configuration.userAgent) {
            commands.append([Array("HSET".utf8), wire.keys.host(hostKey), Array("delay".utf8), RedisFrontierWire.number(delay.flooredMilliseconds)])
        }
        _ = try await connection.pipeline(commands)
        fetched.withLock { $0 += 1 }
        return file
    }

    private func remember(_ file: RobotsTxt, forHost hostKey: String) -> RobotsTxt {
        let expires = ContinuousClock.now + configuration.robotsLifetime
        known.withLock { $0[hostKey] = Known(file: file, expires: expires) }
        return file
    }

    /// `U` (unreachable) or `R<status>\n<body>`.
    static func encode(_ result: RobotsFetchResult) -> [UInt8] {
        switch result {
        case .unreachable: Array("U".utf8)
        case .response(let status, let body): Array("R\(status)\n".utf8) + body.prefix(RobotsTxt.maxParsedBytes)
        }
    }

    /// The rules a stored file means; `nil` when it is not something ``encode(_:)`` wrote.
    static func decode(_ bytes: [UInt8]) -> RobotsTxt? {
        if bytes == Array("U".utf8) { return RobotsFetchResult.unreachable.robotsTxt }
        guard bytes.first == UInt8(ascii: "R"), let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let status = Int(String(decoding: bytes[1..<newline], as: UTF8.self)) else { return nil }
        return RobotsTxt.from(status: status, body: bytes[(newline + 1)...])
    }
}
