import CrawlFrontier
import Foundation
import Testing

/// Runs that cannot be written (a full disk, provoked by a test hook) lose
/// nothing: their rows stay buffered, or are handed back, and a failed merge
/// keeps its inputs.
@Suite("Spill queue write failures")
struct SpillWriteFailureTests {
    private typealias Helpers = SpillQueueTests

    @Test("A run that fails to be written: its rows stay buffered, the next write takes them, every take is in order")
    func failedRunKeepsRows() throws {
        var random = Helpers.SeededRandom(state: 11)
        let spill = try Helpers.makeSpill(cap: 4096)
        spill.injectedWriteFailures = 1
        var model = SpillQueueTests.Model()
        for number in 0..<60 { model.append(Helpers.entry(number % 3, number, using: &random), to: spill) }
        #expect(spill.writeFailures == 1)
        #expect(spill.runCount == 0)
        #expect(spill.flush().isEmpty)
        #expect(spill.runCount == 1)
        #expect(spill.count == 60)
        for host in 0..<3 { try Helpers.expectTake("http://h\(host).test:80", limit: 100, spill: spill, model: &model) }
        #expect(spill.count == 0)
    }

    @Test("Runs that keep failing: past twice the cap the buffered rows are handed back; with the rows on disk, none lost or repeated")
    func failingRunsHandRowsBack() throws {
        var random = Helpers.SeededRandom(state: 12)
        let spill = try Helpers.makeSpill(cap: 4096)
        var model = SpillQueueTests.Model()
        for number in 0..<40 { model.append(Helpers.entry(number % 2, number, using: &random), to: spill) }
        Helpers.writeRun(spill)
        spill.injectedWriteFailures = 1000
        for number in 40..<200 { model.append(Helpers.entry(number % 2, number, using: &random), to: spill) }
        let handedBack = spill.flush()
        #expect(!handedBack.isEmpty)
        #expect(spill.writeFailures > 1)
        #expect(spill.count + handedBack.count == 200)
        spill.injectedWriteFailures = 0
        var out = handedBack.map(\.arrival)
        for host in 0..<2 {
            let rows = try spill.take(host: "http://h\(host).test:80", limit: 1000)
            let keys = rows.map { (-$0.entry.priority, $0.entry.depth, $0.arrival) }
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
            out += rows.map(\.arrival)
        }
        #expect(out.sorted() == Array(0..<200))
    }

    @Test("A merge that fails keeps its inputs: every row still comes back in order, and a later merge takes them")
    func failedMergeKeepsInputs() throws {
        var random = Helpers.SeededRandom(state: 13)
        let spill = try Helpers.makeSpill(cap: 1 << 20, fanIn: 2)
        var model = SpillQueueTests.Model()
        for number in 0..<50 { model.append(Helpers.entry(number % 2, number, using: &random), to: spill) }
        Helpers.writeRun(spill)
        try Helpers.expectTake("http://h0.test:80", limit: 6, spill: spill, model: &model)
        for number in 50..<100 { model.append(Helpers.entry(number % 2, number, using: &random), to: spill) }
        spill.injectedMergeFailures = 1
        Helpers.writeRun(spill)
        spill.waitForMerges()
        #expect(spill.mergeCount == 0)
        #expect(spill.writeFailures == 1)
        #expect(spill.runCount == 2)
        try Helpers.expectTake("http://h0.test:80", limit: 3, spill: spill, model: &model)
        try Helpers.expectTake("http://h1.test:80", limit: 30, spill: spill, model: &model)
        // Another run: the merge is tried again, and succeeds.
        for number in 100..<120 { model.append(Helpers.entry(number % 2, number, using: &random), to: spill) }
        Helpers.writeRun(spill)
        spill.waitForMerges()
        #expect(spill.mergeCount >= 1)
        for host in 0..<2 { try Helpers.expectTake("http://h\(host).test:80", limit: 1000, spill: spill, model: &model) }
        #expect(spill.count == 0)
    }
}
