/// Fingerprints seen lately, in a fixed table of one slot per hash bucket, so
/// its memory does not grow with the crawl: a fingerprint whose slot another
/// took since is forgotten (a miss, never a false hit). Used where forgetting
/// only repeats harmless work: refusals recorded for `--explain` (16,384
/// slots, 128 KiB: a URL refused on every page is recorded about once) and the
/// stored links a recrawl offered already (65,536 slots, 512 KiB).
///
/// A plain value: its owner keeps it under a lock.
package struct RecentFingerprints: Sendable {
    private var slots: [UInt64]

    /// An empty table.
    /// - Parameter slotCount: the fingerprints remembered at most (rounded up to a power of two).
    package init(slotCount: Int) {
        var count = 1
        while count < slotCount { count <<= 1 }
        slots = [UInt64](repeating: 0, count: count)
    }

    /// Whether `fingerprint` was remembered and not forgotten since.
    /// - Parameter fingerprint: a URL's fingerprint.
    package func contains(_ fingerprint: UInt64) -> Bool {
        slots[slot(of: fingerprint)] == fingerprint
    }

    /// Remembers `fingerprint`, forgetting the one whose slot it takes.
    /// - Parameter fingerprint: a URL's fingerprint.
    package mutating func insert(_ fingerprint: UInt64) {
        slots[slot(of: fingerprint)] = fingerprint
    }

    /// Whether `fingerprint` was not remembered lately; it is remembered from now.
    /// - Parameter fingerprint: a URL's fingerprint.
    package mutating func isNew(_ fingerprint: UInt64) -> Bool {
        defer { insert(fingerprint) }
        return !contains(fingerprint)
    }

    /// Fingerprints are hashes: their low bits spread evenly.
    private func slot(of fingerprint: UInt64) -> Int {
        Int(truncatingIfNeeded: fingerprint & UInt64(slots.count - 1))
    }
}
