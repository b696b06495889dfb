import CrawlFrontier
import Testing

@testable import Crawling

/// What a recrawl remembers of the stored links it offered again.
@Suite("OfferedLinks")
struct OfferedLinksTests {
    private func entry(_ fingerprint: UInt64) -> FrontierEntry {
        FrontierEntry(url: "http://h:80/\(fingerprint)", fingerprint: fingerprint, hostKey: "http://h:80", depth: 1)
    }

    @Test("Only links the frontier marked seen are remembered (not refused by the scope, a full queue or the page limit)")
    func settledOnly() {
        let offered = OfferedLinks()
        let outcomes: [(UInt64, FrontierAddOutcome, Bool)] = [
            (11, .queued, true), (12, .duplicate, true), (13, .robotsDenied, true), (14, .rejected(.offScope), false),
            (15, .rejected(.filtered), false), (16, .rejected(.tooDeep), false), (17, .queueLimitReached, false),
            (18, .pageLimitReached, false)
        ]
        offered.remember(outcomes.map { entry($0.0) }, outcomes: outcomes.map(\.1))
        for (fingerprint, outcome, remembered) in outcomes {
            #expect(offered.contains(fingerprint) == remembered, "\(outcome)")
        }
        #expect(!offered.contains(19))
    }

    @Test("The table keeps one fingerprint per slot: memory stays fixed past its size, a link that lost its slot is offered again")
    func fixedSize() {
        let offered = OfferedLinks()
        let count = UInt64(OfferedLinks.slotCount)
        // Twice as many links as slots: the second half takes every slot over.
        let entries = (1...(2 * count)).map { entry($0) }
        offered.remember(entries, outcomes: Array(repeating: .queued, count: entries.count))
        #expect((1...count).allSatisfy { !offered.contains($0) })
        #expect(((count + 1)...(2 * count)).allSatisfy { offered.contains($0) })
    }
}
