import AsyncURLSupport

/// The `revisits` and `revisit_links` tables of a state database: one
/// ``PageRevisit`` per page, replaced on each visit, read one page at a time.
///
/// A page's visit (validators, digest, schedule) and its links and item
/// digests are kept in two tables, so that the visit of a page a recrawl
/// found unchanged rewrites a short row and not its links (an SQLite update
/// writes the whole row again, overflow pages too). A database of an earlier
/// version, with the links in `revisits`, is moved to this layout when opened.
///
/// Not `Sendable`: used only under the lock of the ``CrawlStateStore`` that owns it.
final class RevisitTable {
    private let upsertVisit: SQLiteStatement
    private let upsertLinks: SQLiteStatement
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
                interval_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS revisit_links(fingerprint INTEGER PRIMARY KEY, links BLOB, items BLOB);
            """,
            operation: "create revisits")
        try Self.moveLinksOutOfRevisits(connection)
        upsertVisit = try connection.prepare(
            """
            INSERT OR REPLACE INTO revisits(fingerprint, url, status, etag, last_modified, digest, depth, last_visit_ms, interval_ms)
            VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """,
            operation: "write revisit")
        upsertLinks = try connection.prepare(
            "INSERT OR REPLACE INTO revisit_links(fingerprint, links, items) VALUES(?1, ?2, ?3)", operation: "write revisit links")
        select = try connection.prepare(
            """
            SELECT r.url, r.status, r.etag, r.last_modified, r.digest, r.depth, r.last_visit_ms, r.interval_ms, l.links, l.items
            FROM revisits AS r LEFT JOIN revisit_links AS l ON l.fingerprint = r.fingerprint WHERE r.fingerprint = ?1
            """,
            operation: "read revisit")
        count = try connection.prepare("SELECT COUNT(*) FROM revisits", operation: "count revisits")
    }

    /// Moves the links and items of a database of an earlier version (columns
    /// of `revisits`) into `revisit_links`, in one transaction; nothing to do
    /// once moved (or in a new database).
    private static func moveLinksOutOfRevisits(_ connection: SQLiteConnection) throws(StateStoreError) {
        var hasLinksColumn = false
        try connection.prepare("SELECT COUNT(*) FROM pragma_table_info('revisits') WHERE name = 'links'", operation: "read revisits schema")
            .forEachRow { row in hasLinksColumn = row.int64(at: 0) > 0 }
        guard hasLinksColumn else { return }
        try connection.execute(
            """
            BEGIN IMMEDIATE;
            INSERT OR REPLACE INTO revisit_links(fingerprint, links, items) SELECT fingerprint, links, items FROM revisits;
            ALTER TABLE revisits DROP COLUMN links;
            ALTER TABLE revisits DROP COLUMN items;
            COMMIT;
            """,
            operation: "move revisit links")
    }

    /// Writes (or replaces) a page's record; URLs lose their userinfo. A
    /// record that keeps its stored links (``PageRevisit/keepsStoredLinks``)
    /// writes its visit only.
    func write(_ revisit: PageRevisit) throws(StateStoreError) {
        try upsertVisit.bind(Int64(bitPattern: revisit.fingerprint), at: 1)
        try upsertVisit.bind(revisit.url.removingURLCredentials(), at: 2)
        try upsertVisit.bind(Int64(revisit.status), at: 3)
        try upsertVisit.bind(revisit.etag, at: 4)
        try upsertVisit.bind(revisit.lastModified, at: 5)
        try upsertVisit.bind(revisit.digest, at: 6)
        try upsertVisit.bind(Int64(revisit.depth), at: 7)
        try upsertVisit.bind(revisit.lastVisitMilliseconds, at: 8)
        try upsertVisit.bind(revisit.intervalMilliseconds, at: 9)
        try upsertVisit.run()
        guard !revisit.keepsStoredLinks else { return }
        let links = revisit.links.map { link in
            PageRevisit.Link(
                url: link.url.removingURLCredentials(), priority: link.priority, payload: link.payload, identity: link.identity)
        }
        try upsertLinks.bind(Int64(bitPattern: revisit.fingerprint), at: 1)
        try upsertLinks.bind(RevisitBlobCoding.encode(links), at: 2)
        try upsertLinks.bind(RevisitBlobCoding.encode(revisit.items), at: 3)
        try upsertLinks.run()
    }

    /// The record of the page with this fingerprint, if there is one (a damaged row counts as none),
    /// without the stored links whose fingerprint `skipsLink` picks, and how many those were.
    func read(_ fingerprint: UInt64, skippingLinks skipsLink: (UInt64) -> Bool) throws(StateStoreError) -> (
        revisit: PageRevisit, skippedLinks: Int
    )? {
        try select.bind(Int64(bitPattern: fingerprint), at: 1)
        var found: (revisit: PageRevisit, skippedLinks: Int)?
        try select.forEachRow { row in
            guard let url = row.string(at: 0), let decoded = RevisitBlobCoding.decodeLinks(row.bytes(at: 8) ?? [], skipping: skipsLink),
                let items = RevisitBlobCoding.decodeItems(row.bytes(at: 9) ?? [])
            else { return }
            let revisit = PageRevisit(
                fingerprint: fingerprint, url: url, status: Int(row.int64(at: 1)), etag: row.string(at: 2),
                lastModified: row.string(at: 3), digest: row.bytes(at: 4) ?? [], depth: Int(row.int64(at: 5)),
                lastVisitMilliseconds: row.int64(at: 6), intervalMilliseconds: row.int64(at: 7), links: decoded.links, items: items)
            found = (revisit, decoded.skipped)
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
