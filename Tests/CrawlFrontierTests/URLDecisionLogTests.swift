import CrawlFrontier
import Foundation
import Testing

/// The decisions a resumable crawl records for `--explain`, read back.
@Suite("URL decisions for --explain")
struct URLDecisionLogTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-decisions-\(UUID().uuidString)").path

    private func entry(_ path: String, depth: Int = 1) -> FrontierEntry {
        let url = "http://h:80" + path
        return FrontierEntry(
            url: url, fingerprint: UInt64(truncatingIfNeeded: url.utf8.reduce(0) { $0 &* 31 &+ Int($1) }), hostKey: "http://h:80",
            depth: depth)
    }

    @Test("A URL's rows fold into one decision: first offer's URL and referrer, last outcome or else last offer")
    func folding() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let seed = entry("/", depth: 0)
        let later = entry("/later")
        let fetched = entry("/fetched")
        let refused = entry("/other-host")
        let store = try CrawlStateStore(directory: directory)
        store.recordOffered(seed, parent: nil, code: .queued, detail: nil)
        // Refused by the queue bound, then queued when a later page linked to it.
        store.recordOffered(later, parent: seed.fingerprint, code: .queueLimit, detail: "full")
        store.recordOffered(later, parent: 42, code: .queued, detail: nil)
        // The fetch's outcome may come before the offer is recorded.
        store.recordOutcome(fetched, code: .fetched, detail: "200")
        store.recordOffered(fetched, parent: seed.fingerprint, code: .queued, detail: nil)
        for _ in 0..<3 { store.recordOffered(refused, parent: seed.fingerprint, code: .scope, detail: "off scope") }
        try store.commit()

        let log = try URLDecisionLog(directory: directory)
        let laterDecision = try #require(try log.decision(for: later.fingerprint))
        #expect(laterDecision.code == .queued && laterDecision.referrer == seed.fingerprint && laterDecision.url == later.url)
        let fetchedDecision = try #require(try log.decision(for: fetched.fingerprint))
        #expect(fetchedDecision.code == .fetched && fetchedDecision.detail == "200")
        #expect(fetchedDecision.url == fetched.url && fetchedDecision.referrer == seed.fingerprint)
        #expect(try log.decision(for: refused.fingerprint)?.code == .scope)
        #expect(try log.decision(for: seed.fingerprint)?.referrer == nil)
        #expect(try log.decision(for: 12345) == nil)
        try store.close()
    }

    @Test("A directory without crawl state is an error naming it")
    func missingState() {
        #expect(throws: StateStoreError.self) { try URLDecisionLog(directory: directory + "/none") }
    }
}
