import AsyncURLSupport
import CrawlFrontier

/// Records, in Redis, what a shared crawl decided about each URL (see
/// `URLDecision`), so `asyncurl-crawl --frontier redis://… --explain URL`
/// answers from any machine.
///
/// Nothing here makes a round trip of its own while the crawl runs: each
/// record becomes one small command kept in an outbox, and the outbox rides
/// in front of the frontier's next script call, in the same pipelined write
/// (``RedisFrontierWire`` takes it with ``takeOutbox()``); a refusal met
/// again on many pages is sent about once (`RecentFingerprints`). Only when
/// ``batchSize`` commands are waiting (a page with thousands of new links) are
/// they sent at once on their own; ``flush()`` sends what is left when the
/// worker closes. A write lost to a Redis failure is not sent again (it is
/// counted in ``lostCount``): the crawl never waits for its record.
///
/// The record lives under the crawl's prefix, so `--reset` deletes it with the
/// crawl's other keys: `x:BUCKET` holds offers, `y:BUCKET` outcomes, both hashes
/// keyed by the fingerprint's low 52 bits (hex), BUCKET its top 12 bits (hex:
/// at most 4,096 of each). An offer is
/// `CODE\nDEPTH\nPARENT\nTIME_MS\nDETAIL\nURL` (PARENT the referrer's
/// fingerprint in hex, empty for a seed), written with `HSETNX` for a refusal
/// (the first one stays) and `HSET` for a queued URL (it replaces a refusal
/// the URL had from another page first, and is written once: the seen-set
/// lets a URL be queued once). An outcome is `CODE\nTIME_MS\nDETAIL`, with `HSET`.
final class RedisDecisionRecorder: URLDecisionRecorder {
    /// Commands waiting that make the outbox go out on its own.
    static let batchSize = 1024
    /// Mixed into an outcome's fingerprint in the table of recent refusals, so it has a slot of its own.
    private static let outcomeMix: UInt64 = 0x9E37_79B9_7F4A_7C15

    private struct Outbox {
        var commands: [[[UInt8]]] = []
        var lost = 0
        /// Refusals (and robots.txt outcomes, their fingerprints mixed) sent lately: not sent again.
        var recent = RecentFingerprints(slotCount: 1 << 14)
    }

    private let keys: RedisKeys
    private let connection: RedisConnection
    private let outbox = LockedState(Outbox())

    /// A recorder for the crawl whose keys are `keys`, sending what is left over `connection`.
    init(keys: RedisKeys, connection: RedisConnection) {
        self.keys = keys
        self.connection = connection
    }

    func recordOffered(_ entry: FrontierEntry, parent: UInt64?, code: URLDecision.Code, detail: String?) {
        if code != .queued, !outbox.withLock({ $0.recent.isNew(entry.fingerprint) }) { return }
        let (bucket, field) = Self.place(entry.fingerprint)
        let parentText = parent.map { String($0, radix: 16) } ?? ""
        let value = "\(code.rawValue)\n\(entry.depth)\n\(parentText)\n\(URLDecision.nowMilliseconds)\n\(Self.oneLine(detail))\n"
        let command = [
            Array((code == .queued ? "HSET" : "HSETNX").utf8), keys.key("x:" + bucket), field,
            Array(value.utf8) + Array(entry.url.removingURLCredentials().utf8)
        ]
        append(command)
    }

    func recordOutcome(_ entry: FrontierEntry, code: URLDecision.Code, detail: String?) {
        // A robots.txt refusal is told for every page that links to the URL; its slot differs from its offer's.
        if code == .robots, !outbox.withLock({ $0.recent.isNew(entry.fingerprint ^ Self.outcomeMix) }) { return }
        let (bucket, field) = Self.place(entry.fingerprint)
        let value = "\(code.rawValue)\n\(URLDecision.nowMilliseconds)\n\(Self.oneLine(detail))"
        append([Array("HSET".utf8), keys.key("y:" + bucket), field, Array(value.utf8)])
    }

    /// The commands waiting, taken to ride in front of a script call.
    func takeOutbox() -> [[[UInt8]]] {
        outbox.withLock { box in
            defer { box.commands.removeAll(keepingCapacity: true) }
            return box.commands
        }
    }

    /// Counts commands that were taken and could not be sent.
    func lose(_ count: Int) {
        outbox.withLock { $0.lost += count }
    }

    /// Records that could not be written (Redis failed while they were on the wire).
    var lostCount: Int { outbox.withLock { $0.lost } }

    /// Sends what is waiting now, in one pipelined write.
    func flush() async {
        let commands = takeOutbox()
        guard !commands.isEmpty else { return }
        do {
            _ = try await connection.pipeline(commands)
        } catch {
            lose(commands.count)
        }
    }

    private func append(_ command: [[UInt8]]) {
        let isFull = outbox.withLock { box -> Bool in
            box.commands.append(command)
            return box.commands.count >= Self.batchSize
        }
        if isFull { Task { await self.flush() } }
    }

    /// The bucket (top 12 bits, hex) and field (low 52 bits, hex) of a fingerprint.
    static func place(_ fingerprint: UInt64) -> (bucket: String, field: [UInt8]) {
        (String(fingerprint >> 52, radix: 16), Array(String(fingerprint & 0x000F_FFFF_FFFF_FFFF, radix: 16).utf8))
    }

    private static func oneLine(_ text: String?) -> String {
        guard let text else { return "" }
        return text.utf8.contains(UInt8(ascii: "\n")) ? text.replacing("\n", with: " ") : text
    }
}
