import CSQLite
import CrawlFrontier
import Foundation
import Testing

/// The `revisits` table of the state store: what a recrawl keeps of each page.
@Suite("Revisit records in the state store")
struct RevisitStoreTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-revisits-\(UUID().uuidString)").path

    private func revisit(_ fingerprint: UInt64) -> PageRevisit {
        PageRevisit(
            fingerprint: fingerprint, url: "http://user:secret@h:80/page", status: 200, etag: "\"abc\"",
            lastModified: "Sun, 29 Nov 2026 21:00:00 GMT",
            digest: Array(repeating: 7, count: 20), depth: 2, lastVisitMilliseconds: 1_800_000_000_000, intervalMilliseconds: 3_600_000,
            links: [
                .init(url: "http://user:secret@h:80/a", priority: -3, payload: [1, 2, 3]), .init(url: "http://h:80/b"),
                .init(url: "http://h:80/c", identity: (fingerprint: 0xFFFF_0000_1234, hostKey: "http://h:80")),
                .init(url: "http://h:80/d?é", priority: Int.min, identity: (fingerprint: .max, hostKey: "http://h:80")),
                .init(url: "https://other:8443/x", priority: 300, payload: [], identity: (fingerprint: 1, hostKey: "https://other:8443")),
                .init(url: "http://h:80", identity: (fingerprint: 2, hostKey: "http://h:80")),
                .init(url: "http://elsewhere/y", identity: (fingerprint: 3, hostKey: "http://h:80"))
            ],
            items: [.init(key: "sku-1", digest: Array(repeating: 1, count: 20)), .init(key: "", digest: [])])
    }

    @Test("A record committed with its page's done record reads back, URLs without userinfo; a new run keeps it and empties the queue")
    func roundTrip() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let entry = FrontierEntry(url: "http://h:80/page", fingerprint: 42, hostKey: "http://h:80", depth: 2)
        do {
            let store = try CrawlStateStore(directory: directory)
            store.recordQueued(entry)
            try store.recordDone(entry, redirectTarget: nil, revisit: revisit(42)) { () throws(Never) in }
            #expect(try store.revisit(for: 42) == nil, "not committed yet")
            try store.close()
        }
        let store = try CrawlStateStore(directory: directory)
        var expected = revisit(42)
        expected.url = "http://h:80/page"
        expected.links[0].url = "http://h:80/a"
        #expect(try store.revisit(for: 42) == expected)
        #expect(try store.revisit(for: 43) == nil)
        #expect(try store.load().done.map(\.fingerprint) == [42])

        try store.beginNewRun(metadata: ["feed-length:x": "0"])
        let state = try store.load()
        #expect(state.isEmpty)
        #expect(state.metadata["feed-length:x"] == "0")
        #expect(try store.revisit(for: 42) == expected)
        #expect(try store.revisitCount() == 1)
        try store.close()
    }

    @Test("An unchanged page's record updates its visit and leaves its stored links and items as they are, so it need not carry them")
    func keepsStoredLinks() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let entry = FrontierEntry(url: "http://h:80/page", fingerprint: 42, hostKey: "http://h:80", depth: 2)
        let store = try CrawlStateStore(directory: directory)
        try store.recordDone(entry, redirectTarget: nil, revisit: revisit(42)) { () throws(Never) in }
        try store.commit()
        let stored = try #require(try store.revisit(for: 42))

        var visit = revisit(42)
        visit.links = []
        visit.items = []
        visit.keepsStoredLinks = true
        visit.lastVisitMilliseconds += 5_000
        visit.intervalMilliseconds *= 2
        visit.etag = "\"def\""
        try store.recordDone(entry, redirectTarget: nil, revisit: visit) { () throws(Never) in }
        try store.commit()
        let updated = try #require(try store.revisit(for: 42))
        #expect(updated.links == stored.links)
        #expect(updated.links.count == 7)
        #expect(updated.items == stored.items)
        #expect(updated.lastVisitMilliseconds == stored.lastVisitMilliseconds + 5_000)
        #expect(updated.intervalMilliseconds == stored.intervalMilliseconds * 2)
        #expect(updated.etag == "\"def\"")
        try store.close()
    }

    @Test("A damaged links blob reads as no record, not a crash")
    func damagedBlob() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try storeOneRecord()
        var database: OpaquePointer?
        #expect(sqlite3_open(directory + "/" + CrawlStateStore.fileName, &database) == SQLITE_OK)
        #expect(sqlite3_exec(database, "UPDATE revisit_links SET links = x'FFFFFFFFFFFFFFFF01'", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(database)
        let store = try CrawlStateStore(directory: directory)
        #expect(try store.revisit(for: 42) == nil)
        try store.close()
    }

    @Test("Damaged blobs of the compact form (cut anywhere, a host index out of range) read as no record, not a crash")
    func damagedCompactBlobs() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try storeOneRecord()
        let path = directory + "/" + CrawlStateStore.fileName
        let blob = try #require(Self.column("SELECT hex(links) FROM revisit_links", path: path))
        #expect(blob.hasPrefix("FFFFFF02"), "written in the compact form")
        for cut in [blob.count - 2, 12, 10] {
            #expect(Self.execute("UPDATE revisit_links SET links = x'\(blob.prefix(cut))'", path: path))
            let store = try CrawlStateStore(directory: directory)
            #expect(try store.revisit(for: 42) == nil, "cut to \(cut / 2) bytes")
            try store.close()
        }
        // The first link names host 5 of none.
        #expect(Self.execute("UPDATE revisit_links SET links = x'FFFFFF020500'", path: path))
        let store = try CrawlStateStore(directory: directory)
        #expect(try store.revisit(for: 42) == nil)
        try store.close()
    }

    @Test("A database of an earlier version (links and items in revisits, fixed-width blobs) is moved to the new layout and reads back")
    func earlierLayout() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + CrawlStateStore.fileName
        // Two links: with a payload and no identity, then with an identity.
        let links =
            Self.fixedWidth("http://h:80/a") + Self.fixed(UInt64(bitPattern: -3)) + Self.fixed(0) + Self.fixedWidth("") + Self.fixed(1)
            + Self.fixed(3) + [1, 2, 3] + Self.fixedWidth("http://h:80/c") + Self.fixed(0) + Self.fixed(0xFFFF_0000_1234)
            + Self.fixedWidth("http://h:80") + Self.fixed(0)
        let items = Self.fixedWidth("sku-1") + Self.fixed(20) + Array(repeating: 1, count: 20)
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02X", $0) }.joined() }
        #expect(
            Self.execute(
                """
                CREATE TABLE revisits(fingerprint INTEGER PRIMARY KEY, url TEXT NOT NULL, status INTEGER NOT NULL, etag TEXT,
                    last_modified TEXT, digest BLOB, depth INTEGER NOT NULL, last_visit_ms INTEGER NOT NULL, interval_ms INTEGER NOT NULL,
                    links BLOB, items BLOB);
                INSERT INTO revisits VALUES(42, 'http://h:80/page', 200, '"abc"', NULL, x'\(hex(Array(repeating: 7, count: 20)))', 2,
                    1800000000000, 3600000, x'\(hex(links))', x'\(hex(items))');
                """, path: path))
        let store = try CrawlStateStore(directory: directory)
        let read = try #require(try store.revisit(for: 42))
        #expect(
            read.links == [
                .init(url: "http://h:80/a", priority: -3, payload: [1, 2, 3]),
                .init(url: "http://h:80/c", identity: (fingerprint: 0xFFFF_0000_1234, hostKey: "http://h:80"))
            ])
        #expect(read.items == [.init(key: "sku-1", digest: Array(repeating: 1, count: 20))])
        #expect(read.etag == "\"abc\"" && read.depth == 2 && read.intervalMilliseconds == 3_600_000)
        try store.close()
        #expect(Self.column("SELECT COUNT(*) FROM pragma_table_info('revisits') WHERE name IN ('links', 'items')", path: path) == "0")
    }

    /// A store in `directory` holding the record of page 42, committed and closed.
    private func storeOneRecord() throws {
        let store = try CrawlStateStore(directory: directory)
        let entry = FrontierEntry(url: "http://h:80/page", fingerprint: 42, hostKey: "http://h:80", depth: 2)
        try store.recordDone(entry, redirectTarget: nil, revisit: revisit(42)) { () throws(Never) in }
        try store.close()
    }

    private static func fixed(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
    }

    private static func fixedWidth(_ text: String) -> [UInt8] {
        fixed(UInt64(text.utf8.count)) + Array(text.utf8)
    }

    private static func execute(_ sql: String, path: String) -> Bool {
        var database: OpaquePointer?
        defer { sqlite3_close(database) }
        return sqlite3_open(path, &database) == SQLITE_OK && sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK
    }

    private static func column(_ sql: String, path: String) -> String? {
        var database: OpaquePointer?
        var statement: OpaquePointer?
        defer {
            sqlite3_finalize(statement)
            sqlite3_close(database)
        }
        guard sqlite3_open(path, &database) == SQLITE_OK, sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK,
            sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0)
        else { return nil }
        return String(cString: text)
    }

    @Test("A recrawl's read leaves out the stored links it names by fingerprint, and counts them; links stored without one are kept")
    func skipsLinks() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let entry = FrontierEntry(url: "http://h:80/page", fingerprint: 42, hostKey: "http://h:80", depth: 2)
        let store = try CrawlStateStore(directory: directory)
        try store.recordDone(entry, redirectTarget: nil, revisit: revisit(42)) { () throws(Never) in }
        try store.commit()
        let all = try #require(try store.revisit(for: 42, skippingLinks: { _ in false }))
        #expect(all.skippedLinks == 0 && all.revisit.links.count == 7)
        #expect(all.revisit == (try store.revisit(for: 42)))
        let skipped: Set<UInt64> = [0xFFFF_0000_1234, 1]
        let some = try #require(try store.revisit(for: 42, skippingLinks: { skipped.contains($0) }))
        #expect(some.skippedLinks == 2)
        #expect(some.revisit.links == all.revisit.links.filter { !skipped.contains($0.identity?.fingerprint ?? 0) })
        let none = try #require(try store.revisit(for: 42, skippingLinks: { _ in true }))
        #expect(none.revisit.links.map(\.url) == ["http://h:80/a", "http://h:80/b"])
        #expect(none.skippedLinks == 5)
        #expect(none.revisit.items == all.revisit.items)
        try store.close()
    }
}
