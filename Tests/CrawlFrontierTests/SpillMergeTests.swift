import CrawlFrontier
import Foundation
import Testing

/// Merges of spill runs: what is taken while a merge runs is not handed out
/// again (nor lost) once the merge's output replaces its inputs, and merges
/// drop what was taken, so disk shrinks.
@Suite("Spill queue merges")
struct SpillMergeTests {
    private typealias Helpers = SpillQueueTests

    private func append(
        _ host: Int, _ count: Int, _ model: inout SpillQueueTests.Model, _ spill: SpillQueue, _ random: inout Helpers.SeededRandom
    ) {
        for _ in 0..<count { model.append(Helpers.entry(host, model.nextArrival, using: &random), to: spill) }
    }

    @Test(
        "Takes during a held merge (a host partly taken, one emptied and given new rows, one emptied) are carried into its output: afterwards every host's rows come out once, in order"
    )
    func consumptionDuringMergeIsCarried() throws {
        var random = Helpers.SeededRandom(state: 2026)
        let spill = try Helpers.makeSpill(cap: 1 << 20, fanIn: 2)
        let gate = SpillMergeGate()
        spill.mergeGate = gate
        var model = SpillQueueTests.Model()
        let key = { (host: Int) in "http://h\(host).test:80" }
        for host in 0..<5 { append(host, 40, &model, spill, &random) }
        Helpers.writeRun(spill)
        // Before the merge: host 0 partly taken, host 3 emptied then given rows again.
        try Helpers.expectTake(key(0), limit: 5, spill: spill, model: &model)
        try Helpers.expectTake(key(3), limit: 100, spill: spill, model: &model)
        for host in 0..<5 { append(host, 30, &model, spill, &random) }
        Helpers.writeRun(spill)
        #expect(spill.runCount == 2)
        // The merge of the two runs has started and waits at the gate: take meanwhile.
        try Helpers.expectTake(key(0), limit: 7, spill: spill, model: &model)
        try Helpers.expectTake(key(1), limit: 100, spill: spill, model: &model)
        append(1, 10, &model, spill, &random)
        try Helpers.expectTake(key(2), limit: 100, spill: spill, model: &model)
        try Helpers.expectTake(key(4), limit: 33, spill: spill, model: &model)
        Helpers.writeRun(spill)
        try Helpers.expectTake(key(1), limit: 3, spill: spill, model: &model)
        #expect(spill.mergeCount == 0)
        gate.open()
        spill.waitForMerges()
        #expect(spill.mergeCount == 1)
        #expect(spill.runCount == 2)
        for host in 0..<5 {
            try Helpers.expectTake(key(host), limit: 4, spill: spill, model: &model)
            try Helpers.expectTake(key(host), limit: 1000, spill: spill, model: &model)
        }
        #expect(spill.count == 0)
        #expect(model.count == 0)
    }

    @Test("A merge drops the rows taken from its inputs: disk shrinks; the run files are unlinked (the directory stays empty)")
    func mergeShrinksDisk() throws {
        var random = Helpers.SeededRandom(state: 5)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spill-merge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spill = try Helpers.makeSpill(cap: 1 << 20, fanIn: 2, directory: directory)
        var model = SpillQueueTests.Model()
        for host in 0..<5 { append(host, 400, &model, spill, &random) }
        Helpers.writeRun(spill)
        for host in 0..<5 { try Helpers.expectTake("http://h\(host).test:80", limit: 360, spill: spill, model: &model) }
        append(0, 10, &model, spill, &random)
        Helpers.writeRun(spill)
        let before = spill.diskBytes
        #expect(try FileManager.default.contentsOfDirectory(atPath: spill.directory).isEmpty)
        spill.waitForMerges()
        #expect(spill.mergeCount == 1)
        #expect(spill.diskBytes * 5 < before, "\(spill.diskBytes) bytes after the merge, \(before) before")
        for host in 0..<5 { try Helpers.expectTake("http://h\(host).test:80", limit: 1000, spill: spill, model: &model) }
        #expect(spill.count == 0)
    }

    @Test(
        "Runs of 40,000 hosts (section indexes past a MiB, kept in a side file while written) and their merge: every host's rows come back in order"
    )
    func largeIndexesRoundTrip() throws {
        var random = Helpers.SeededRandom(state: 40)
        let spill = try Helpers.makeSpill(cap: 1 << 30, fanIn: 2)
        var model = SpillQueueTests.Model()
        for _ in 0..<2 {
            for host in 0..<40_000 { append(host, 1, &model, spill, &random) }
            Helpers.writeRun(spill)
        }
        spill.waitForMerges()
        #expect(spill.mergeCount == 1)
        for host in stride(from: 0, to: 40_000, by: 7) {
            try Helpers.expectTake("http://h\(host).test:80", limit: 1, spill: spill, model: &model)
        }
        for host in 0..<40_000 { try Helpers.expectTake("http://h\(host).test:80", limit: 5, spill: spill, model: &model) }
        #expect(spill.count == 0)
    }
}
