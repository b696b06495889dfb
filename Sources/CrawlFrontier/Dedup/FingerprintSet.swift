/// A compact set of 64-bit URL fingerprints: the crawl's "seen" set.
///
/// Open addressing with linear probing over a flat array of `UInt64` (8 bytes
/// a slot, no per-entry overhead; a `Set<UInt64>` needs 10.7 to 21 bytes per
/// element as its power-of-two table doubles). The slot index is a keyed hash
/// of the fingerprint (the standard library's SipHash, seeded per process, with
/// a random key of each set mixed in) scaled to the table size
/// (`(hash × capacity) >> 64`), which needs no power-of-two size. Fingerprints
/// are unkeyed (XXH64 of the URL, so a resumed crawl finds them again), and a
/// site could choose URLs whose fingerprints share their high bits; keyed, they
/// still spread over the table, so no chosen set of fingerprints piles into one
/// probe cluster (which would make each insert linear in the set's size).
///
/// The table grows by half when it is 80 % full, so it holds between 53 %
/// and 80 % live slots: 10 to 15 bytes per fingerprint.
///
/// Zero marks an empty slot, so the fingerprint 0 is stored as
/// ``zeroSubstitute``: it then shares a slot with that value, a collision as
/// unlikely as any other 64-bit one.
package struct FingerprintSet: Sendable, Hashable {
    /// The value the fingerprint 0 is stored as.
    package static let zeroSubstitute: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var slots: [UInt64]
    /// The random key mixed into every slot index.
    private let key: UInt64 = .random(in: .min ... .max)
    /// The number of fingerprints in the set.
    package private(set) var count = 0

    /// Creates an empty set with room for `minimumCapacity` fingerprints before it grows.
    package init(minimumCapacity: Int = 1024) {
        slots = [UInt64](repeating: 0, count: max(16, minimumCapacity * 5 / 4 + 1))
    }

    /// The bytes the table takes (its slots).
    package var memoryBytes: Int { slots.count * MemoryLayout<UInt64>.stride }

    /// Whether the set is empty.
    package var isEmpty: Bool { count == 0 }

    /// Whether `fingerprint` is in the set.
    package func contains(_ fingerprint: UInt64) -> Bool {
        let key = fingerprint == 0 ? Self.zeroSubstitute : fingerprint
        return slots.withUnsafeBufferPointer { table in
            var index = Self.slot(for: key, capacity: table.count, secret: self.key)
            while true {
                let stored = table[index]
                if stored == key { return true }
                if stored == 0 { return false }
                index += 1
                if index == table.count { index = 0 }
            }
        }
    }

    /// Adds `fingerprint`; returns `true` when it was not in the set yet.
    @discardableResult
    package mutating func insert(_ fingerprint: UInt64) -> Bool {
        if (count + 1) * 5 > slots.count * 4 { grow() }
        let key = fingerprint == 0 ? Self.zeroSubstitute : fingerprint
        let secret = self.key
        let inserted = slots.withUnsafeMutableBufferPointer { table in
            Self.place(key, in: table, secret: secret)
        }
        if inserted { count += 1 }
        return inserted
    }

    /// Puts `key` in its slot unless it is there already; `true` when placed.
    @inline(__always)
    private static func place(_ key: UInt64, in table: UnsafeMutableBufferPointer<UInt64>, secret: UInt64) -> Bool {
        var index = slot(for: key, capacity: table.count, secret: secret)
        while true {
            let stored = table[index]
            if stored == key { return false }
            if stored == 0 {
                table[index] = key
                return true
            }
            index += 1
            if index == table.count { index = 0 }
        }
    }

    /// Every fingerprint in the set, in table order (for saving the set).
    package var fingerprints: [UInt64] {
        slots.filter { $0 != 0 }
    }

    /// The longest run of occupied slots: the most probes one lookup can take.
    /// Linear in the table's size; meant for tests and diagnostics.
    package var longestProbeRun: Int {
        var longest = 0
        var run = 0
        // Twice round, so a run that wraps past the end is measured whole.
        for index in 0..<(2 * slots.count) {
            if slots[index % slots.count] != 0 {
                run += 1
                longest = max(longest, min(run, slots.count))
            } else {
                run = 0
            }
        }
        return longest
    }

    private mutating func grow() {
        let old = slots
        let secret = key
        slots = [UInt64](repeating: 0, count: old.count + old.count / 2)
        slots.withUnsafeMutableBufferPointer { table in
            for key in old where key != 0 {
                _ = Self.place(key, in: table, secret: secret)
            }
        }
    }

    @inline(__always)
    private static func slot(for fingerprint: UInt64, capacity: Int, secret: UInt64) -> Int {
        var hasher = Hasher()
        hasher.combine(secret)
        hasher.combine(fingerprint)
        let mixed = UInt64(bitPattern: Int64(hasher.finalize()))
        return Int(mixed.multipliedFullWidth(by: UInt64(capacity)).high)
    }
}
