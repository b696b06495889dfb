import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a ``FingerprintRun``: keys in strictly ascending order, encoded in
/// blocks, with the run's index and Bloom filter built on the way.
struct FingerprintRunWriter {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var written = 0
    private var firstKeys: [UInt64] = []
    private var offsets: [Int] = []
    private var filter: BlockedBloomFilter
    private var keysInBlock = 0
    private var last: UInt64 = 0
    private var count = 0

    /// Creates an unlinked file in `directory` for about `expectedCount` keys.
    /// - Throws: ``StateStoreError`` when the file cannot be created.
    init(directory: String, expectedCount: Int) throws(StateStoreError) {
        (descriptor, path) = try UnlinkedFile.create(in: directory, prefix: "seen-run")
        filter = BlockedBloomFilter(expectedCount: expectedCount)
        buffer.reserveCapacity(1 << 20)
    }

    /// Adds `key`, greater than every key added before.
    mutating func append(_ key: UInt64) throws(StateStoreError) {
        filter.insert(key)
        if keysInBlock == 0 || keysInBlock == FingerprintRun.keysPerBlock {
            firstKeys.append(key)
            offsets.append(written + buffer.count)
            for index in 0..<8 { buffer.append(UInt8(truncatingIfNeeded: key >> UInt64(index * 8))) }
            keysInBlock = 1
        } else {
            var gap = key &- last
            while gap >= 0x80 {
                buffer.append(UInt8(truncatingIfNeeded: gap) | 0x80)
                gap >>= 7
            }
            buffer.append(UInt8(gap))
            keysInBlock += 1
        }
        last = key
        count += 1
        if buffer.count >= 1 << 20 { try drain() }
    }

    /// Writes what is left and returns the run, ready for lookups.
    /// - Throws: ``StateStoreError`` when the file cannot be written.
    consuming func finish() throws(StateStoreError) -> FingerprintRun {
        try drain()
        offsets.append(written)
        return FingerprintRun(descriptor: descriptor, firstKeys: firstKeys, offsets: offsets, filter: filter, count: count)
    }

    /// Closes the file without making a run (after a failure).
    consuming func discard() {
        close(descriptor)
    }

    private mutating func drain() throws(StateStoreError) {
        let code = buffer.withUnsafeBytes { writeFully(descriptor, $0) }
        guard code == 0 else {
            throw StateStoreError(path: path, operation: "write run", code: code, message: String(cString: strerror(code)))
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
