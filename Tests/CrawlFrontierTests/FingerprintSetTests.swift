import CrawlFrontier
import Testing

@Suite("FingerprintSet")
struct FingerprintSetTests {
    /// A well-mixed stream of 64-bit values (SplitMix64), reproducible.
    private func fingerprints(_ count: Int, seed: UInt64) -> [UInt64] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("Inserted fingerprints are found, others are not, duplicates are refused")
    func membership() {
        var set = FingerprintSet(minimumCapacity: 16)
        let inside = fingerprints(100_000, seed: 1)
        let outside = fingerprints(100_000, seed: 2)
        var fresh = 0
        for value in inside where set.insert(value) { fresh += 1 }
        #expect(fresh == inside.count)
        #expect(set.count == inside.count)
        #expect(inside.allSatisfy { set.contains($0) })
        #expect(!outside.contains { set.contains($0) })
        var reinserted = 0
        for value in inside.prefix(1000) where set.insert(value) { reinserted += 1 }
        #expect(reinserted == 0)
        #expect(set.count == inside.count)
        #expect(Set(set.fingerprints) == Set(inside))
    }

    @Test("Zero is a fingerprint like any other")
    func zero() {
        var set = FingerprintSet()
        #expect(!set.contains(0))
        let first = set.insert(0)
        let second = set.insert(0)
        #expect(first)
        #expect(set.contains(0))
        #expect(!second)
        #expect(set.count == 1)
    }

    @Test("Memory stays under 16 bytes per fingerprint at every size")
    func compact() {
        var set = FingerprintSet(minimumCapacity: 16)
        for (index, value) in fingerprints(300_000, seed: 3).enumerated() {
            set.insert(value)
            if index >= 1000, index % 997 == 0 {
                #expect(Double(set.memoryBytes) / Double(set.count) <= 16)
            }
        }
    }
}
