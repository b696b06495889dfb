#if canImport(Glibc)
    import Glibc
#endif

/// A sorted run of distinct fingerprints on disk: part of a
/// `SpilledFingerprintSet`'s older fingerprints.
///
/// The file is a sequence of blocks of up to ``keysPerBlock`` keys: each block
/// starts with its first key (8 bytes, little-endian), followed by the gaps to
/// the next keys as LEB128 varints (about 6 bytes a key for 10 to 100 million
/// uniform 64-bit keys). In memory the run keeps a sparse index (each block's
/// first key and offset: 16 bytes per block) and a ``BlockedBloomFilter``
/// (10 bits a key), so a lookup of a key the run does not hold usually reads
/// nothing, and one it may hold reads one block (`pread`, under 1 KB).
///
/// The file is unlinked as soon as it is created: it lives while its
/// descriptor is open (closed once, in `deinit`) and leaves nothing behind
/// when the process ends, killed or not. Immutable once written, so lookups
/// and merges may read it from any thread.
final class FingerprintRun: Sendable {
    /// Keys per block: a lookup decodes at most this many gaps.
    static let keysPerBlock = 128

    private let descriptor: Int32
    /// Each block's first key, ascending.
    private let firstKeys: [UInt64]
    /// Each block's offset in the file, and the file's length last.
    private let offsets: [Int]
    private let filter: BlockedBloomFilter
    /// The number of keys.
    let count: Int

    init(descriptor: Int32, firstKeys: [UInt64], offsets: [Int], filter: BlockedBloomFilter, count: Int) {
        self.descriptor = descriptor
        self.firstKeys = firstKeys
        self.offsets = offsets
        self.filter = filter
        self.count = count
    }

    deinit {
        close(descriptor)
    }

    /// The bytes of the file.
    var diskBytes: Int { offsets.last ?? 0 }

    /// The bytes its index and filter take in memory.
    var memoryBytes: Int { filter.memoryBytes + firstKeys.count * 16 }

    /// The number of blocks.
    var blockCount: Int { firstKeys.count }

    /// Whether the run holds `key`.
    /// - Throws: ``StateStoreError`` when the file cannot be read.
    func contains(_ key: UInt64) throws(StateStoreError) -> Bool {
        guard filter.mayContain(key), let block = block(for: key) else { return false }
        if firstKeys[block] == key { return true }
        var found = false
        try readBlock(block) { value in
            if value >= key {
                found = value == key
                return false
            }
            return true
        }
        return found
    }

    /// The last block whose first key is at most `key`.
    private func block(for key: UInt64) -> Int? {
        var low = 0
        var high = firstKeys.count
        while low < high {
            let middle = (low + high) / 2
            if firstKeys[middle] <= key { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// Calls `body` with the keys of one block, in order, until it returns `false`.
    /// - Throws: ``StateStoreError`` when the file cannot be read.
    func readBlock(_ block: Int, _ body: (UInt64) -> Bool) throws(StateStoreError) {
        let start = offsets[block]
        let length = offsets[block + 1] - start
        var bytes = [UInt8](repeating: 0, count: length)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(start)) }
        guard read == length else {
            throw StateStoreError(path: "(seen-set run)", operation: "read run", code: Int32(errno), message: "short read of a run block")
        }
        Self.decode(bytes) { body($0) }
    }

    /// Decodes one block's bytes: its first key, then gaps.
    static func decode(_ bytes: [UInt8], _ body: (UInt64) -> Bool) {
        bytes.withUnsafeBufferPointer { bytes in
            guard bytes.count >= 8 else { return }
            var key: UInt64 = 0
            for index in 0..<8 { key |= UInt64(bytes[index]) << UInt64(index * 8) }
            guard body(key) else { return }
            var index = 8
            while index < bytes.count {
                var gap: UInt64 = 0
                var shift: UInt64 = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    gap |= UInt64(byte & 0x7F) << shift
                    shift += 7
                    if byte < 0x80 { break }
                }
                key &+= gap
                guard body(key) else { return }
            }
        }
    }
}

extension FingerprintRun {
    /// Reads a run's keys in order, a block at a time (for merges).
    struct Cursor {
        private let run: FingerprintRun
        private var block = 0
        private var keys: [UInt64] = []
        private var position = 0

        init(_ run: FingerprintRun) {
            self.run = run
        }

        /// The next key, or `nil` at the end.
        /// - Throws: ``StateStoreError`` when the file cannot be read.
        mutating func next() throws(StateStoreError) -> UInt64? {
            while position == keys.count {
                guard block < run.blockCount else { return nil }
                keys.removeAll(keepingCapacity: true)
                position = 0
                try run.readBlock(block) { key in
                    keys.append(key)
                    return true
                }
                block += 1
            }
            defer { position += 1 }
            return keys[position]
        }
    }
}
