import AsyncURLSupport

/// The `revisits` table of a state database: one ``PageRevisit`` per page,
/// replaced on each visit, read one page at a time.
///
/// Not `Sendable`: used only under the lock of the ``CrawlStateStore`` that owns it.
final class RevisitTable {
    private let upsert: SQLiteStatement
    private let updateVisit: SQLiteStatement
    private let select: SQLiteStatement
    private let count: SQLiteStatement

    init(connection: SQLiteConnection) throws(StateStoreError) {
        try connection.execute(
            """
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS revisits(
                fingerprint INTEGER PRIMARY KEY,
                url TEXT NOT NULL,
                status INTEGER NOT NULL,
                etag TEXT,
                last_modified TEXT,
                digest BLOB,
                depth INTEGER NOT NULL,
                last_visit_ms INTEGER NOT NULL,
                interval_ms INTEGER NOT NULL,
                links BLOB,
                items BLOB);
            """,
            operation: "create revisits")
        upsert = try connection.prepare(
            """
            INSERT OR REPLACE INTO revisits(fingerprint, url, status, etag, last_modified, digest, depth, last_visit_ms, interval_ms, links, items)
            VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """,
            operation: "write revisit")
        updateVisit = try connection.prepare(
            """
            UPDATE revisits SET url = ?2, status = ?3, etag = ?4, last_modified = ?5, digest = ?6, depth = ?7, last_visit_ms = ?8, interval_ms = ?9
            WHERE fingerprint = ?1
            """,
            operation: "update revisit")
        select = try connection.prepare(
            """
            SELECT url, status, etag, last_modified, digest, depth, last_visit_ms, interval_ms, links, items
            FROM revisits WHERE fingerprint = ?1
            """,
            operation: "read revisit")
        count = try connection.prepare("SELECT COUNT(*) FROM revisits", operation: "count revisits")
    }

    /// Writes (or replaces) a page's record; URLs lose their userinfo. A
    /// record that keeps its stored links (``PageRevisit/keepsStoredLinks``)
    /// updates the other fields only.
    func write(_ revisit: PageRevisit) throws(StateStoreError) {
        let statement = revisit.keepsStoredLinks ? updateVisit : upsert
        try statement.bind(Int64(bitPattern: revisit.fingerprint), at: 1)
        try statement.bind(revisit.url.removingURLCredentials(), at: 2)
        try statement.bind(Int64(revisit.status), at: 3)
        try statement.bind(revisit.etag, at: 4)
        try statement.bind(revisit.lastModified, at: 5)
        try statement.bind(revisit.digest, at: 6)
        try statement.bind(Int64(revisit.depth), at: 7)
        try statement.bind(revisit.lastVisitMilliseconds, at: 8)
        try statement.bind(revisit.intervalMilliseconds, at: 9)
        if revisit.keepsStoredLinks {
            try updateVisit.run()
            return
        }
        let links = revisit.links.map { link in
            PageRevisit.Link(
                url: link.url.removingURLCredentials(), priority: link.priority, payload: link.payload, identity: link.identity)
        }
        try upsert.bind(RevisitBlobCoding.encode(links), at: 10)
        try upsert.bind(RevisitBlobCoding.encode(revisit.items), at: 11)
        try upsert.run()
    }

    /// The record of the page with this fingerprint, if there is one (a damaged row counts as none).
    func read(_ fingerprint: UInt64) throws(StateStoreError) -> PageRevisit? {
        try select.bind(Int64(bitPattern: fingerprint), at: 1)
        var found: PageRevisit?
        try select.forEachRow { row in
            guard let url = row.string(at: 0), let links = RevisitBlobCoding.decodeLinks(row.bytes(at: 8) ?? []),
                let items = RevisitBlobCoding.decodeItems(row.bytes(at: 9) ?? [])
            else { return }
            found = PageRevisit(
                fingerprint: fingerprint, url: url, status: Int(row.int64(at: 1)), etag: row.string(at: 2),
                lastModified: row.string(at: 3), digest: row.bytes(at: 4) ?? [], depth: Int(row.int64(at: 5)),
                lastVisitMilliseconds: row.int64(at: 6), intervalMilliseconds: row.int64(at: 7), links: links, items: items)
        }
        return found
    }

    /// The number of pages recorded.
    func recordCount() throws(StateStoreError) -> Int {
        var result = 0
        try count.forEachRow { row in result = Int(row.int64(at: 0)) }
        return result
    }
}
