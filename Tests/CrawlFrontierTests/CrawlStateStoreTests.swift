import CrawlFrontier
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The SQLite state of a resumable crawl, and a frontier restored from it.
@Suite("Resumable frontier state")
struct CrawlStateStoreTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-state-\(UUID().uuidString)").path

    private func entry(_ number: Int, host: String = "http://h:80") -> FrontierEntry {
        FrontierEntry(
            url: "\(host)/page-\(number)", fingerprint: UInt64(number) &* 0x9E37_79B9_7F4A_7C15, hostKey: host,
            depth: number % 3, priority: number % 2, referrer: number == 0 ? nil : "\(host)/")
    }

    @Test("Committed records load back: queued minus done, seen targets, seed hosts, metadata")
    func roundTrip() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try CrawlStateStore(directory: directory)
            store.recordSeedHost("http://h:80")
            for number in 0..<10 { store.recordQueued(entry(number)) }
            store.recordDone(entry(3))
            try store.recordDone(entry(5), redirectTarget: 777) { () throws(Never) in }
            try store.commit { ["feed-length:x": "42"] }
            // Not committed: lost, as in a crash.
            store.recordDone(entry(7))
        }
        let state = try CrawlStateStore(directory: directory).load()
        #expect(state.queued == (0..<10).filter { $0 != 3 && $0 != 5 }.map { entry($0) })
        #expect(Set(state.done.map(\.fingerprint)) == [entry(3).fingerprint, entry(5).fingerprint])
        #expect(state.seen == [777])
        #expect(state.seedHosts == ["http://h:80"])
        #expect(state.metadata == ["feed-length:x": "42"])
    }

    @Test("The metadata of a commit is read at the cut: output written with a done record is in the same commit")
    func consistentCut() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CrawlStateStore(directory: directory)
        var written = 0
        for number in 0..<5 {
            store.recordQueued(entry(number))
            try store.recordDone(entry(number), redirectTarget: nil) { () throws(Never) in written += 1 }
        }
        try store.commit { ["written": String(written)] }
        let state = try store.load()
        #expect(state.done.count == 5)
        #expect(state.metadata["written"] == "5")
    }

    @Test("A restored frontier refuses what was seen, counts it against the page limit, and queues the rest")
    func restoredFrontier() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CrawlStateStore(directory: directory)
        for number in 0..<6 { store.recordQueued(entry(number)) }
        for number in 0..<4 { store.recordDone(entry(number)) }
        try store.commit()
        let frontier = Frontier(scope: try CrawlScope(hosts: .any), userAgent: "t", obeysRobots: false, maxPages: 8, store: store) { _ in
            .unreachable
        }
        await frontier.restore(try store.load())
        #expect(await frontier.add(entry(2)) == .duplicate)
        #expect(await frontier.add(entry(5)) == .duplicate)
        #expect(await frontier.add(entry(6)) == .queued)
        #expect(await frontier.add(entry(7)) == .queued)
        #expect(await frontier.add(entry(8)) == .pageLimitReached, "6 restored + 2 new = the limit of 8")
        var fetched: [String] = []
        while let next = await frontier.next() {
            fetched.append(next.url)
            await frontier.complete(next, outcome: .success(latency: .zero))
        }
        #expect(Set(fetched) == Set([4, 5, 6, 7].map { entry($0).url }))
    }

    @Test("A URL that robots.txt refuses after being held is recorded as done")
    func robotsRefusalIsDone() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CrawlStateStore(directory: directory)
        let robots = Array("User-agent: *\nDisallow: /page-1\n".utf8)
        let frontier = Frontier(scope: try CrawlScope(hosts: .any), userAgent: "t", store: store) { _ in
            .response(status: 200, body: robots)
        }
        _ = await frontier.addSeeds([entry(1), entry(2)])
        var fetched: [String] = []
        while let next = await frontier.next() {
            fetched.append(next.url)
            store.recordDone(next)
            await frontier.complete(next, outcome: .success(latency: .zero))
        }
        try store.commit()
        #expect(fetched == [entry(2).url])
        let state = try store.load()
        #expect(state.queued.isEmpty)
        #expect(Set(state.done.map(\.fingerprint)) == [entry(1).fingerprint, entry(2).fingerprint])
    }

    @Test("An unusable state directory is a clear error")
    func unusableDirectory() throws {
        #expect(throws: StateStoreError.self) { try CrawlStateStore(directory: "/proc/asyncurl-no-such-dir/state") }
    }

    /// Runs SQL on the store's database from another process (Python's sqlite3), as a second writer would.
    private func runSQL(_ sql: String) async throws {
        let script =
            "import sqlite3, sys\nconnection = sqlite3.connect(sys.argv[1])\nconnection.executescript(sys.argv[2])\nconnection.close()"
        let python = try await ChildProcess.output(
            of: "/usr/bin/env", ["python3", "-c", script, directory + "/" + CrawlStateStore.fileName, sql],
            timeout: .seconds(60))
        try #require(python.status == 0, "\(python.text)")
    }

    @Test("A commit whose transaction fails keeps its records: the next commit writes them, nothing is lost")
    func failedCommitKeepsRecords() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CrawlStateStore(directory: directory)
        for number in 0..<4 { store.recordQueued(entry(number)) }
        store.recordDone(entry(0))
        try store.commit { ["written": "1"] }
        // Every insert into `done` now fails, so the whole next transaction does.
        try await runSQL("CREATE TRIGGER refuse BEFORE INSERT ON done BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;")
        for number in 4..<6 { store.recordQueued(entry(number)) }
        store.recordDone(entry(1))
        #expect(throws: StateStoreError.self) { try store.commit { ["written": "2"] } }
        store.recordDone(entry(2))
        try await runSQL("DROP TRIGGER refuse;")
        try store.commit { ["written": "3"] }
        let state = try store.load()
        #expect(Set(state.done.map(\.fingerprint)) == Set([0, 1, 2].map { entry($0).fingerprint }))
        #expect(state.queued == [3, 4, 5].map { entry($0) })
        #expect(state.metadata["written"] == "3")
    }

    @Test("When the step before the transaction (the feeds' fsync) fails, nothing is written and the records wait for the next commit")
    func failedSynchronizationKeepsRecords() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        struct SyncFailure: Error {}
        let store = try CrawlStateStore(directory: directory)
        store.recordQueued(entry(1))
        store.recordDone(entry(1))
        #expect {
            try store.commit(metadata: { ["written": "1"] }, beforeWriting: { throw SyncFailure() })
        } throws: { error in
            (error as? StateStoreError)?.operation == "synchronize outputs"
        }
        #expect(try store.load().done.isEmpty)
        try store.commit { ["written": "2"] }
        let state = try store.load()
        #expect(state.done.map(\.fingerprint) == [entry(1).fingerprint])
        #expect(state.metadata["written"] == "2")
    }

    @Test("A second store on a directory in use fails with a lock error naming the holder; the directory and files are private")
    func lockedDirectory() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CrawlStateStore(directory: directory)
        #expect {
            try CrawlStateStore(directory: directory)
        } throws: { error in
            guard let error = error as? StateStoreError else { return false }
            return error.operation == "lock" && error.message == "in use by another process (pid \(getpid()))"
        }
        func mode(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
        }
        #expect(mode(directory) == 0o700)
        #expect(mode(directory + "/" + CrawlStateStore.fileName) == 0o600)
        #expect(mode(directory + "/" + StateDirectoryLock.fileName) == 0o600)
        try store.close()
        // Closed: the directory is free again.
        _ = try CrawlStateStore(directory: directory)
    }

    @Test("URLs are stored without their userinfo")
    func credentialsNotStored() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CrawlStateStore(directory: directory)
        let secret = FrontierEntry(
            url: "http://user:pa55word@h:80/page", fingerprint: 1, hostKey: "http://h:80", depth: 1,
            referrer: "http://user:pa55word@h:80/")
        store.recordQueued(secret)
        try store.close()
        let state = try CrawlStateStore(directory: directory).load()
        #expect(state.queued.first?.url == "http://h:80/page")
        #expect(state.queued.first?.referrer == "http://h:80/")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes.range(of: Data("pa55word".utf8)) == nil, "\(file)")
        }
    }
}
