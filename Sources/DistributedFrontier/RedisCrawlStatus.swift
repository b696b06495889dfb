/// A shared crawl's progress, read from Redis (for `asyncurl-crawl status`).
public struct RedisCrawlStatus: Sendable, Hashable, Codable {
    /// URLs waiting in host queues.
    public var queued = 0
    /// URLs claimed by a worker and not completed (leases).
    public var inFlight = 0
    /// URLs waiting for a retry's backoff.
    public var retrying = 0
    /// Fingerprints in the seen-set.
    public var seen = 0
    /// URLs accepted into the crawl (queued at some point; counts against the page limits).
    public var accepted = 0
    /// URLs completed, in all.
    public var done = 0
    /// Completed URLs by outcome: `success` (a response), `failed`, `gaveUp` (retries exhausted),
    /// `waitTooLong`, `robotsDenied` (refused by robots.txt), `robotsUnavailable` (their host's
    /// robots.txt could not be fetched, so they were not crawled: those dropped
    /// from its queue, and also those offered after it, which never counted in `done`).
    public var doneByOutcome: [String: Int] = [:]
    /// URLs refused as already seen.
    public var duplicates = 0
    /// URLs refused as off the seeds' hosts.
    public var offScope = 0
    /// URLs refused by the page limits.
    public var pageLimited = 0
    /// URLs refused because the queue was full (their host's, or the pending URLs in all).
    public var queueLimited = 0
    /// Retries scheduled.
    public var retries = 0
    /// Leases that expired (their worker died or hung) and went back to the queue.
    public var expiredLeases = 0
    /// robots.txt files fetched.
    public var robotsFetched = 0
    /// Hosts seen.
    public var hosts = 0
    /// Workers whose heartbeat is current.
    public var workersAlive = 0
    /// Whether the crawl has been seeded.
    public var isSeeded = false
    /// Lease ends refused because the lease had expired (a worker cut off from Redis for longer than its lease).
    public var staleCompletions = 0
    /// URLs done whose worker has not yet said it wrote their output (for a
    /// few milliseconds after each page, normally).
    public var unwritten = 0
    /// URLs done by a worker that died before it said it wrote their output:
    /// queued again (their output may appear twice; it is never lost).
    public var requeuedUnwritten = 0
    /// Hosts paused now (429, failures on several URLs, robots.txt failing).
    public var pausedHosts = 0
    /// Host pauses so far.
    public var hostPauses = 0
    /// Hosts given up (robots.txt unavailable, or over the per-host time budget).
    public var givenUpHosts = 0
    /// URLs dropped with their given-up host.
    public var droppedWithHost = 0
    /// Milliseconds until the soonest host pause ends, and that pause's reason.
    public var nextResumeMilliseconds: Int64?
    /// Why the host whose pause ends soonest is paused (`Retry-After`, `failures`, `robots.txt`).
    public var nextResumeReason: String?
    /// Milliseconds until the soonest URL waiting for its retry may go.
    public var nextRetryMilliseconds: Int64?

    /// Creates an empty status.
    public init() {}

    /// Whether the crawl is over: seeded, and nothing queued, in flight, retrying or waiting to be written.
    public var isFinished: Bool { isSeeded && queued == 0 && inFlight == 0 && retrying == 0 && unwritten <= 0 }

    /// Reads the status of the crawl at `url`.
    public static func read(_ url: RedisFrontierURL, connectTimeout: Duration = .seconds(5)) async throws(RedisError) -> RedisCrawlStatus {
        let connection = try await url.connect(connectTimeout: connectTimeout)
        return try await read(url, using: connection)
    }

    /// Reads the status of the crawl at `url` over an open connection.
    public static func read(_ url: RedisFrontierURL, using connection: RedisConnection) async throws(RedisError) -> RedisCrawlStatus {
        try await read(keys: RedisKeys(crawl: url.name), connection: connection)
    }

    /// Reads the status of a worker's crawl.
    static func read(using wire: RedisFrontierWire) async throws(RedisError) -> RedisCrawlStatus {
        try await read(keys: wire.keys, connection: wire.connection)
    }

    private static func read(keys: RedisKeys, connection: RedisConnection) async throws(RedisError) -> RedisCrawlStatus {
        let reply = try await connection.evaluate(RedisFrontierScripts.status.source, keys: keys.common, arguments: [keys.prefix])
        let parts = reply.elements
        guard parts.count == 11 else { throw RedisError(address: connection.address, cause: .unexpectedReply("status: \(reply)")) }
        var fields: [String: Int] = [:]
        let flat = parts[0].elements
        var index = 0
        while index + 1 < flat.count {
            if let name = flat[index].text, let value = flat[index + 1].int { fields[name] = Int(value) }
            index += 2
        }
        var status = RedisCrawlStatus()
        status.queued = max(0, fields["pending"] ?? 0)
        status.inFlight = Int(parts[1].int ?? 0)
        status.retrying = Int(parts[2].int ?? 0)
        status.workersAlive = Int(parts[3].int ?? 0)
        status.hosts = Int(parts[4].int ?? 0)
        status.pausedHosts = Int(parts[6].int ?? 0)
        status.givenUpHosts = Int(parts[7].int ?? 0)
        status.nextResumeMilliseconds = parts[8].int.flatMap { $0 >= 0 ? $0 : nil }
        status.nextResumeReason = parts[9].text.flatMap { $0.isEmpty ? nil : $0 }
        status.nextRetryMilliseconds = parts[10].int.flatMap { $0 >= 0 ? $0 : nil }
        status.hostPauses = fields["hostPauses"] ?? 0
        status.droppedWithHost = fields["droppedWithHost"] ?? 0
        status.seen = fields["seen"] ?? 0
        status.accepted = fields["accepted"] ?? 0
        status.done = fields["done"] ?? 0
        for outcome in ["success", "failed", "gaveUp", "waitTooLong", "robotsDenied", "robotsUnavailable"] {
            if let count = fields[outcome] { status.doneByOutcome[outcome] = count }
        }
        status.duplicates = fields["duplicates"] ?? 0
        status.offScope = fields["offScope"] ?? 0
        status.pageLimited = fields["pageLimited"] ?? 0
        status.queueLimited = fields["queueLimited"] ?? 0
        status.retries = fields["retries"] ?? 0
        status.expiredLeases = fields["expired"] ?? 0
        status.robotsFetched = fields["robotsFetched"] ?? 0
        status.isSeeded = fields["seeded"] != nil
        status.staleCompletions = fields["stale"] ?? 0
        status.unwritten = fields["unwritten"] ?? 0
        status.requeuedUnwritten = fields["requeuedUnwritten"] ?? 0
        return status
    }

    /// The crawl's seed URLs, sorted (empty until a worker seeds it). For a
    /// list of any length, ``forEachSeed(of:connectTimeout:_:)`` holds none of it.
    public static func seeds(of url: RedisFrontierURL, connectTimeout: Duration = .seconds(5)) async throws(RedisError) -> [String] {
        var seeds = Set<String>()
        try await forEachSeed(of: url, connectTimeout: connectTimeout) { seeds.insert($0) }
        return seeds.sorted()
    }

    /// Calls `body` with each of the crawl's seed URLs (none until a worker
    /// seeds it), read 1,000 at a time (`SSCAN`): a seed list of millions
    /// costs the caller what `body` keeps of it. A seed added meanwhile may be
    /// missed, and one may come twice.
    public static func forEachSeed(
        of url: RedisFrontierURL, connectTimeout: Duration = .seconds(5), _ body: (String) -> Void
    ) async throws(RedisError) {
        let connection = try await url.connect(connectTimeout: connectTimeout)
        let key = RedisKeys(crawl: url.name).seedURLs
        var cursor = "0"
        repeat {
            let reply = try await connection.send([Array("SSCAN".utf8), key, Array(cursor.utf8), Array("COUNT".utf8), Array("1000".utf8)])
            if case .error(let message) = reply { throw RedisError(address: connection.address, cause: .server(message)) }
            let parts = reply.elements
            guard parts.count == 2, let next = parts[0].text else {
                throw RedisError(address: connection.address, cause: .unexpectedReply("SSCAN: \(reply)"))
            }
            for seed in parts[1].elements.compactMap(\.text) { body(seed) }
            cursor = next
        } while cursor != "0"
    }

    /// Deletes every key of the crawl at `url` (to start it again from scratch). Returns how many keys went.
    public static func delete(_ url: RedisFrontierURL, connectTimeout: Duration = .seconds(5)) async throws(RedisError) -> Int {
        let connection = try await url.connect(connectTimeout: connectTimeout)
        var cursor = "0"
        var deleted = 0
        // SCAN visits every key once per full cycle; each step is bounded by COUNT.
        repeat {
            let reply = try await connection.send(["SCAN", cursor, "MATCH", url.keyPrefix + "*", "COUNT", "1000"].map { Array($0.utf8) })
            let parts = reply.elements
            guard parts.count == 2, let next = parts[0].text else {
                throw RedisError(address: connection.address, cause: .unexpectedReply("SCAN: \(reply)"))
            }
            let keys = parts[1].elements.compactMap { element -> [UInt8]? in if case .string(let bytes) = element { bytes } else { nil } }
            if !keys.isEmpty {
                deleted += Int(try await connection.send([Array("UNLINK".utf8)] + keys).int ?? 0)
            }
            cursor = next
        } while cursor != "0"
        return deleted
    }

    /// A few lines for people: queues, leases, outcomes, workers.
    public var summary: String {
        let outcomes = doneByOutcome.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return """
            state: \(isFinished ? "finished" : isSeeded ? "running" : "not seeded")
            queued \(queued)  in flight \(inFlight)  retrying \(retrying)  unwritten \(unwritten) (requeued \(requeuedUnwritten))
            seen \(seen)  accepted \(accepted)  done \(done)\(outcomes.isEmpty ? "" : " (\(outcomes))")
            duplicates \(duplicates)  off scope \(offScope)  page-limited \(pageLimited)  queue-limited \(queueLimited)  retries \(retries)  expired leases \(expiredLeases)  stale completions \(staleCompletions)
            hosts \(hosts)  paused now \(pausedHosts)\(nextResumeMilliseconds.map { " (the first for \($0 / 1000) s more, \(nextResumeReason ?? "?"))" } ?? "")  pauses \(hostPauses)  given up \(givenUpHosts) (\(droppedWithHost) URLs dropped)
            robots.txt fetched \(robotsFetched)  workers alive \(workersAlive)
            """
    }
}
