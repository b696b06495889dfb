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
                .init(url: "http://h:80/c", identity: (fingerprint: 0xFFFF_0000_1234, hostKey: "http://h:80"))
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
        #expect(updated.links.count == 3)
        #expect(updated.items == stored.items)
        #expect(updated.lastVisitMilliseconds == stored.lastVisitMilliseconds + 5_000)
        #expect(updated.intervalMilliseconds == stored.intervalMilliseconds * 2)
        #expect(updated.etag == "\"def\"")
        try store.close()
    }

    @Test("A damaged links blob reads as no record, not a crash")
    func damagedBlob() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try CrawlStateStore(directory: directory)
            let entry = FrontierEntry(url: "http://h:80/page", fingerprint: 42, hostKey: "http://h:80", depth: 2)
            try store.recordDone(entry, redirectTarget: nil, revisit: revisit(42)) { () throws(Never) in }
            try store.close()
        }
        var database: OpaquePointer?
        #expect(sqlite3_open(directory + "/" + CrawlStateStore.fileName, &database) == SQLITE_OK)
        #expect(sqlite3_exec(database, "UPDATE revisits SET links = x'FFFFFFFFFFFFFFFF01'", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(database)
        let store = try CrawlStateStore(directory: directory)
        #expect(try store.revisit(for: 42) == nil)
        try store.close()
    }
}
