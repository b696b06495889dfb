import CrawlFrontier

/// Reads what a shared crawl recorded about its URLs (see `URLDecision`),
/// from its Redis server, while the crawl runs or after it, from any machine
/// (`asyncurl-crawl --frontier redis://… --explain URL`).
///
/// A URL's offer gives its URL, depth, referrer and code; its outcome, when
/// there is one (fetched, failed, refused by robots.txt), replaces the code.
public struct RedisURLDecisionLog: Sendable {
    private let connection: RedisConnection
    private let keys: RedisKeys

    /// Connects to the crawl at `url`.
    /// - Parameters:
    ///   - url: the crawl's server and name.
    ///   - connectTimeout: the longest wait for the connection.
    /// - Throws: `RedisError` when the server cannot be reached or refuses the credentials.
    public init(url: RedisFrontierURL, connectTimeout: Duration = .seconds(5)) async throws(RedisError) {
        connection = try await url.connect(connectTimeout: connectTimeout)
        keys = RedisKeys(crawl: url.name)
    }

    /// The decision about the URL whose fingerprint is `fingerprint`, if the crawl recorded one.
    /// - Parameter fingerprint: the URL's canonical fingerprint.
    /// - Throws: `RedisError` when Redis cannot be read.
    public func decision(for fingerprint: UInt64) async throws(RedisError) -> URLDecision? {
        let (bucket, field) = RedisDecisionRecorder.place(fingerprint)
        let replies = try await connection.pipeline([
            [Array("HGET".utf8), keys.key("x:" + bucket), field], [Array("HGET".utf8), keys.key("y:" + bucket), field]
        ])
        guard replies.count == 2 else { throw RedisError(address: connection.address, cause: .unexpectedReply("HGET: \(replies)")) }
        var decision = replies[0].text.flatMap { Self.offer($0, fingerprint: fingerprint) }
        if let text = replies[1].text {
            let fields = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
            if fields.count == 3, let raw = Int(fields[0]), let code = URLDecision.Code(rawValue: raw), let time = Int64(fields[1]) {
                var folded =
                    decision
                    ?? URLDecision(fingerprint: fingerprint, url: "", referrer: nil, depth: 0, code: code, detail: nil, time: time)
                folded.code = code
                folded.detail = fields[2].isEmpty ? nil : String(fields[2])
                folded.time = time
                decision = folded
            }
        }
        return decision
    }

    /// Why a host was given up (its robots.txt could not be fetched, or its
    /// `Crawl-delay` was over the per-host time budget), or `nil` when it was not:
    /// its queued URLs were dropped with it.
    /// - Parameter hostKey: `scheme://host:port`.
    /// - Throws: `RedisError` when Redis cannot be read.
    public func givenUpReason(hostKey: String) async throws(RedisError) -> String? {
        let replies = try await connection.pipeline([
            [Array("SISMEMBER".utf8), keys.givenUp, Array(hostKey.utf8)],
            [Array("HGET".utf8), keys.host(hostKey), Array("robotsfails".utf8)]
        ])
        guard replies.count == 2, replies[0].int == 1 else { return nil }
        return (replies[1].int ?? 0) > 0 ? URLDecision.robotsUnavailable(hostKey: hostKey) : URLDecision.overBudget(hostKey: hostKey)
    }

    /// An offer written by ``RedisDecisionRecorder``; `nil` when it is not one.
    private static func offer(_ text: String, fingerprint: UInt64) -> URLDecision? {
        let fields = text.split(separator: "\n", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, let raw = Int(fields[0]), let code = URLDecision.Code(rawValue: raw), let depth = Int(fields[1]),
            let time = Int64(fields[3])
        else { return nil }
        return URLDecision(
            fingerprint: fingerprint, url: String(fields[5]), referrer: UInt64(fields[2], radix: 16), depth: depth, code: code,
            detail: fields[4].isEmpty ? nil : String(fields[4]), time: time)
    }
}
