import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The `decisions` table of a state database: an append-only log of what
/// the crawl decided about the URLs offered to its frontier (duplicates are
/// not written: the seen-set's fast path stays as it is).
///
/// Rows go to the end of the B-tree (`sequence` is the key), as in `queued`
/// and `done`: a row keyed by a random fingerprint would land anywhere in
/// the tree, and cost the crawl several times more per URL. There is no
/// index on the fingerprint either: `--explain` scans, once per URL of the
/// chain it follows. A URL's rows read back as one decision: its URL, depth
/// and referrer from its first offer, its code from its last outcome (fetched,
/// refused by robots.txt) or else from its first offer.
///
/// Not `Sendable`: used only under the lock of the ``CrawlStateStore`` that owns it.
final class URLDecisionTable {
    private let insert: SQLiteStatement
    private let select: SQLiteStatement

    init(connection: SQLiteConnection) throws(StateStoreError) {
        try connection.execute(
            """
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS decisions(
                sequence INTEGER PRIMARY KEY,
                fingerprint INTEGER NOT NULL,
                is_outcome INTEGER NOT NULL,
                url TEXT NOT NULL,
                referrer INTEGER,
                depth INTEGER NOT NULL,
                code INTEGER NOT NULL,
                detail TEXT,
                time_ms INTEGER NOT NULL);
            """,
            operation: "create decisions")
        insert = try connection.prepare(
            """
            INSERT INTO decisions(fingerprint, is_outcome, url, referrer, depth, code, detail, time_ms)
            VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """,
            operation: "write decision")
        select = try connection.prepare(
            "SELECT is_outcome, url, referrer, depth, code, detail, time_ms FROM decisions WHERE fingerprint = ?1 ORDER BY sequence",
            operation: "read decision")
    }

    /// Appends a decision: an offer (`isOutcome` false) or an outcome, which
    /// replaces the offer's code when read back (its URL is not stored again).
    func write(_ decision: URLDecision, isOutcome: Bool) throws(StateStoreError) {
        try insert.bind(Int64(bitPattern: decision.fingerprint), at: 1)
        try insert.bind(isOutcome ? 1 : 0, at: 2)
        try insert.bind(isOutcome ? "" : decision.url.removingURLCredentials(), at: 3)
        if let referrer = decision.referrer {
            try insert.bind(Int64(bitPattern: referrer), at: 4)
        } else {
            try insert.bind(nil as String?, at: 4)
        }
        try insert.bind(Int64(decision.depth), at: 5)
        try insert.bind(Int64(decision.code.rawValue), at: 6)
        try insert.bind(decision.detail, at: 7)
        try insert.bind(decision.time, at: 8)
        try insert.run()
    }

    /// The decision about a fingerprint, folded from its rows (URL, depth and
    /// referrer from the first; the code from the last outcome, or else the
    /// last offer), if the crawl recorded one.
    func decision(for fingerprint: UInt64) throws(StateStoreError) -> URLDecision? {
        try select.bind(Int64(bitPattern: fingerprint), at: 1)
        var found: URLDecision?
        var outcome: (code: URLDecision.Code, detail: String?, time: Int64)?
        var lastOffer: (code: URLDecision.Code, detail: String?, time: Int64)?
        try select.forEachRow { row in
            guard let code = URLDecision.Code(rawValue: Int(row.int64(at: 4))) else { return }
            let referrer = row.string(at: 2) == nil ? nil : UInt64(bitPattern: row.int64(at: 2))
            if row.int64(at: 0) != 0 {
                outcome = (code, row.string(at: 5), row.int64(at: 6))
            } else {
                lastOffer = (code, row.string(at: 5), row.int64(at: 6))
            }
            if var first = found {
                if first.referrer == nil { first.referrer = referrer }
                if first.url.isEmpty { first.url = row.string(at: 1) ?? "" }
                found = first
            } else {
                found = URLDecision(
                    fingerprint: fingerprint, url: row.string(at: 1) ?? "", referrer: referrer, depth: Int(row.int64(at: 3)),
                    code: code, detail: row.string(at: 5), time: row.int64(at: 6))
            }
        }
        if let decided = outcome ?? lastOffer {
            found?.code = decided.code
            found?.detail = decided.detail
            found?.time = decided.time
        }
        return found
    }

    /// Milliseconds since 1970, now.
    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
