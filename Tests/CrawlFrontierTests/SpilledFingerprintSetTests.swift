import CrawlFrontier
import Testing

/// The seen-set with runs on disk is exact: every fingerprint inserted is
/// found, before, during and after background merges; none other is.
@Suite("Spilled fingerprint set")
struct SpilledFingerprintSetTests {
    @Test("100,000 random fingerprints through many runs and merges: every one inserted is seen, none of 100,000 others is")
    func exactAcrossMerges() throws {
        var random = SystemRandomNumberGenerator()
        // 1,024 fingerprints a table (the least), so about 97 runs are written and merged 3 at a time.
        let set = SpilledFingerprintSet(memoryBytes: 1, mergeFanIn: 3)
        var inserted = Set<UInt64>([0, .max, FingerprintSet.zeroSubstitute &+ 1])
        while inserted.count < 100_000 { inserted.insert(UInt64.random(in: .min ... .max, using: &random)) }
        let ordered = Array(inserted)
        var falseNegatives = 0
        for (index, fingerprint) in ordered.enumerated() {
            #expect(set.insert(fingerprint))
            // Look back while runs are written and merged in the background.
            if index % 199 == 0 {
                for earlier in ordered[max(0, index - 1500)...index] where !set.contains(earlier) { falseNegatives += 1 }
            }
        }
        set.waitForBackgroundWork()
        for fingerprint in ordered where !set.contains(fingerprint) { falseNegatives += 1 }
        #expect(falseNegatives == 0)
        #expect(set.count == 100_000)
        #expect(set.mergeCount > 10)
        #expect(set.countOnDisk > 95_000)
        #expect(set.runCount < 6)
        // Inserting again finds each one.
        #expect(ordered.prefix(10_000).allSatisfy { !set.insert($0) })

        var falsePositives = 0
        var absent = 0
        while absent < 100_000 {
            let fingerprint = UInt64.random(in: .min ... .max, using: &random)
            guard !inserted.contains(fingerprint) else { continue }
            absent += 1
            if set.contains(fingerprint) { falsePositives += 1 }
        }
        #expect(falsePositives == 0)
        // Runs take about 6 bytes a fingerprint on disk.
        #expect(Double(set.diskBytes) / Double(set.countOnDisk) < 8)
    }

    @Test("Without a memory limit nothing goes to disk")
    func noLimitStaysInMemory() {
        let set = SpilledFingerprintSet()
        for fingerprint in UInt64(1)...50_000 { set.insert(fingerprint) }
        #expect(set.count == 50_000)
        #expect(set.runCount == 0)
        #expect(set.contains(25_000))
        #expect(!set.contains(50_001))
    }
}
