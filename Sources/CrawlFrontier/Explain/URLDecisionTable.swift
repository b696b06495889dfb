#if canImport(Glibc)
import Glibc
#endif
import AsyncURLSupport

/// The `url_decisions` table of a state database: one row per URL the
/// crawl offered to its frontier and did not find a duplicate of (duplicates
/// are not written: the seen-set's fast path stays as it is).
///
/// Rows are upserts keyed by fingerprint: an offer fills the URL, its
/// referrer and depth the first time (later offers of a refused URL change
/// nothing), an outcome (fetched, refused by robots.txt) replaces the code.
///
/// Not `Sendable`: used only under the lock of the ``CrawlStateStore`` that owns it.
final class URLDecisionTable {
    private let offered: SQLiteStatement
    private let outcome: SQLiteStatement
    private let select: SQLiteStatement

    init(connection: SQLiteConnection) throws(StateStoreError) {
        try connection.execute(
            """
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS url_decisions(
                fingerprint INTEGER PRIMARY KEY,
                url TEXT NOT NULL,
                referrer INTEGER,
                depth INTEGER NOT NULL,
                code INTEGER NOT NULL,
                detail TEXT,
                time_ms INTEGER NOT NULL);
            """,
            operation: "create url_decisions")
        offered = try connection.prepare(
            """
            INSERT INTO url_decisions(fingerprint, url, referrer, depth, code, detail, time_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT(fingerprint) DO UPDATE SET referrer = COALESCE(url_decisions.referrer, excluded.referrer)
            """,
            operation: "write url decision")
        outcome = try connection.prepare(
            """
            INSERT INTO url_decisions(fingerprint, url, referrer, depth, code, detail, time_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT(fingerprint) DO UPDATE SET code = excluded.code, detail = excluded.detail, time_ms = excluded.time_ms
            """,
            operation: "write url outcome")
        select = try connection.prepare(
            "SELECT url, referrer, depth, code, detail, time_ms FROM url_decisions WHERE fingerprint = ?1",
            operation: "read url decision")
    }

    /// Writes a decision: an offer (`isOutcome` false) or an outcome that replaces the code.
    func write(_ decision: URLDecision, isOutcome: Bool) throws(StateStoreError) {
        let statement = isOutcome ? outcome : offered
        try statement.bind(Int64(bitPattern: decision.fingerprint), at: 1)
        try statement.bind(decision.url.removingURLCredentials(), at: 2)
        if let referrer = decision.referrer {
            try statement.bind(Int64(bitPattern: referrer), at: 3)
        } else {
            try statement.bind(nil as String?, at: 3)
        }
        try statement.bind(Int64(decision.depth), at: 4)
        try statement.bind(Int64(decision.code.rawValue), at: 5)
        try statement.bind(decision.detail, at: 6)
        try statement.bind(decision.time, at: 7)
        try statement.run()
    }

    /// The decision about a fingerprint, if the crawl recorded one.
    func decision(for fingerprint: UInt64) throws(StateStoreError) -> URLDecision? {
        try select.bind(Int64(bitPattern: fingerprint), at: 1)
        var found: URLDecision?
        try select.forEachRow { row in
            guard found == nil, let url = row.string(at: 0), let code = URLDecision.Code(rawValue: Int(row.int64(at: 3))) else { return }
            let referrer = row.string(at: 1) == nil ? nil : UInt64(bitPattern: row.int64(at: 1))
            found = URLDecision(fingerprint: fingerprint, url: url, referrer: referrer, depth: Int(row.int64(at: 2)), code: code,
                                detail: row.string(at: 4), time: row.int64(at: 5))
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
