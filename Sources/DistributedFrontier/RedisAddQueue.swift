import CrawlFrontier

/// Sends offered links to Redis in groups (`RedisGroupCommit`), as
/// `RedisCompletionQueue` does for lease ends: offers that come while a
/// call is on the wire go together in the next add script call (at most
/// `maxBatch` URLs, an offer never split). Most pages offer a few new links:
/// several pages then share one call, and its fixed cost.
///
/// Each caller still waits for its own URLs' codes, so a page's links are in
/// Redis before the page is completed (the order the crawl relies on).
final class RedisAddQueue: Sendable {
    /// What the add script said: a code per URL, and the hosts it gave up.
    typealias Reply = (codes: [RedisFrontierWire.AddCode], givenUp: [RedisFrontierWire.GivenUpHost])

    private let wire: RedisFrontierWire
    private let limits: RedisFrontierWire.Limits
    private let group: RedisGroupCommit<[FrontierEntry], Reply?>

    /// A queue sending with `wire`, every call with `limits`, at most `maxBatch` URLs a call (an offer longer than that goes alone).
    init(wire: RedisFrontierWire, limits: RedisFrontierWire.Limits, maxBatch: Int) {
        self.wire = wire
        self.limits = limits
        group = RedisGroupCommit(capacity: maxBatch) { $0.count }
    }

    /// Offers URLs (not seeds); their codes, and the hosts given up by the
    /// call they went in, told to one caller only (`nil`: Redis could not be
    /// reached, after the wire's retries).
    func add(_ entries: [FrontierEntry]) async -> Reply? {
        await group.submit(entries) { offers in await self.send(offers) }
    }

    /// One add script call for several offers; each offer's part of the reply.
    private func send(_ offers: [[FrontierEntry]]) async -> [Reply?] {
        let entries = offers.flatMap { $0 }
        let reply = await wire.withRetries { () async throws(RedisError) -> Reply in
            try await self.wire.add(entries, limits: self.limits, areSeeds: false)
        }
        var start = 0
        return offers.enumerated().map { index, offer in
            defer { start += offer.count }
            return reply.map { (Array($0.codes[start..<start + offer.count]), index == 0 ? $0.givenUp : []) }
        }
    }
}
