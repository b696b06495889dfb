/// The fingerprints of refusals recorded lately, one slot per hash bucket
/// (16,384 slots, 128 KiB), so a URL refused on every page of a site is
/// recorded about once for `--explain`, in bounded memory. A URL whose slot
/// another took since is recorded again: harmless, the record is the same.
///
/// A plain value: its owner keeps it under a lock.
package struct RecentRefusals: Sendable {
    private var slots = [UInt64](repeating: 0, count: 1 << 14)

    /// An empty table.
    package init() {}

    /// Whether `fingerprint` was not recorded lately; it is remembered from now.
    /// - Parameter fingerprint: the refused URL's fingerprint.
    package mutating func isNew(_ fingerprint: UInt64) -> Bool {
        let slot = Int(truncatingIfNeeded: fingerprint % UInt64(slots.count))
        defer { slots[slot] = fingerprint }
        return slots[slot] != fingerprint
    }
}
