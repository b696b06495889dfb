/// Names every key of one shared crawl.
///
/// All start with `asyncurl:{NAME}:`. The braces are a Redis Cluster hash
/// tag: only `NAME` is hashed, so every key of a crawl lives in one hash
/// slot (one node of a cluster, one shard behind a slot-aware proxy) and the
/// scripts, which change many keys at once, may run there.
///
/// - `stats`: counters (`pending`, `accepted`, `seen`, `done`, ... and `seq`,
///   `seeded`, `token`);
/// - `ready`: hosts with queued URLs and a free slot, scored by when they may start;
/// - `leases`: claimed URLs (see ``RedisLease``) scored by expiry;
/// - `delayed`: retries waiting for their backoff (`HOST\nSCORE\nSEQUENCE\nPAYLOAD`);
/// - `hostpages` (URLs accepted per host), `hosts`, `seedhosts`, `seedurls`,
///   `workers` (heartbeats), `wake` (notifications), `paused` (hosts paused,
///   scored by the pause's end), `givenup` (hosts given up), `robotsindex`
///   (hosts whose robots.txt is stored, scored by when: the oldest go first over the cap);
/// - `s:BUCKET`: the seen-set, 65,536 sets of fingerprints (the top 16 bits
///   pick the set, the low 48 bits are the member);
/// - `q:HOST`: a host's queue, a sorted set scored by priority then depth,
///   members `SEQUENCE\nPAYLOAD` (the zero-padded sequence keeps arrival order);
/// - `h:HOST`: a host's `inflight` count, `last` start, robots.txt `delay`,
///   `blocked` until and the pause's `reason`, failure-pause `streak`,
///   `robotsfails` and `robotsretry` (robots.txt failures and when to try again),
///   AutoThrottle's `throttle` delay (shared by all workers);
/// - `f:HOST`: the host's recent failures, fingerprints scored by time;
/// - `robots:HOST`, `robotslock:HOST`: the stored robots.txt and the lock of the worker fetching it;
/// - `replies`: each worker's last completion batch and its answer (one field per worker);
/// - `u:WORKER`: the URLs a worker completed and has not yet said it wrote (one field per batch);
/// - `slots`: per-host slots taken by rendered pages' requests (`HOST\nTOKEN`, scored by
///   expiry; see `RedisHostSlotScripts`), counted in their host's `inflight`.
struct RedisKeys: Sendable, Hashable {
    /// `asyncurl:{NAME}:`.
    let prefix: [UInt8]

    /// The keys every script is given first, in this order (the scripts' prelude names
    /// them); made once, as every call passes them.
    let common: [[UInt8]]

    /// The keys of crawl `name`.
    init(crawl name: String) {
        let prefix = Array(Self.prefix(crawl: name).utf8)
        self.prefix = prefix
        common = ["stats", "ready", "leases", "delayed", "hostpages", "hosts", "seedhosts", "workers", "wake", "paused", "givenup"]
            .map { prefix + Array($0.utf8) }
    }

    /// `asyncurl:{NAME}:`, the prefix of every key of crawl `name`.
    static func prefix(crawl name: String) -> String {
        "asyncurl:{\(name)}:"
    }

    /// The key `PREFIX` + `suffix`.
    func key(_ suffix: String) -> [UInt8] {
        prefix + Array(suffix.utf8)
    }

    var stats: [UInt8] { key("stats") }
    var ready: [UInt8] { key("ready") }
    var leases: [UInt8] { key("leases") }
    var delayed: [UInt8] { key("delayed") }
    var hostPages: [UInt8] { key("hostpages") }
    var hosts: [UInt8] { key("hosts") }
    var seedHosts: [UInt8] { key("seedhosts") }
    var seedURLs: [UInt8] { key("seedurls") }
    var workers: [UInt8] { key("workers") }
    var wake: [UInt8] { key("wake") }
    var paused: [UInt8] { key("paused") }
    var givenUp: [UInt8] { key("givenup") }
    var robotsIndex: [UInt8] { key("robotsindex") }
    var replies: [UInt8] { key("replies") }
    var hostSlots: [UInt8] { key("slots") }

    /// `s:BUCKET`, one set of the seen-set.
    func seenSet(_ bucket: [UInt8]) -> [UInt8] { prefix + Array("s:".utf8) + bucket }
    /// `q:HOST`, a host's queue.
    func queue(host hostKey: String) -> [UInt8] { key("q:" + hostKey) }
    /// `h:HOST`, a host's politeness state.
    func host(_ hostKey: String) -> [UInt8] { key("h:" + hostKey) }
    /// `robots:HOST`, a host's stored robots.txt.
    func robots(host hostKey: String) -> [UInt8] { key("robots:" + hostKey) }
    /// `f:HOST`, a host's recent failures (fingerprints scored by time).
    func failures(host hostKey: String) -> [UInt8] { key("f:" + hostKey) }
    /// `u:WORKER`, the URLs a worker completed and has not said it wrote.
    func unwritten(worker: String) -> [UInt8] { key("u:" + worker) }
    /// `robotslock:HOST`, held by the worker fetching a host's robots.txt.
    func robotsLock(host hostKey: String) -> [UInt8] { key("robotslock:" + hostKey) }
}
