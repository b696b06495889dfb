#if canImport(Glibc)
    import Glibc
#endif

/// One sorted run of a ``SpillQueue``: rows of many hosts, written once in
/// one sequential pass and never changed.
///
/// The file holds one **section** per host hash (ascending hashes), each the
/// host's rows in the order they go out (``SpillKey``), then the section
/// index: 32 bytes per section (hash, offset, byte length, rows; little-endian
/// 64-bit words). In memory the run keeps every 32nd section's hash (8 bytes
/// per 32 sections) and a ``BlockedBloomFilter`` of its hashes (10 bits a
/// section), so finding a host's section costs nothing for most runs without
/// it and two `pread`s (a 1 KiB block of the index, then the rows) for a run
/// with it.
///
/// Like a ``FingerprintRun`` the file is unlinked as soon as it is created:
/// it lives while its descriptor is open (closed once, in `deinit`) and
/// leaves nothing behind when the process ends, killed or not. Immutable once
/// written, so takes and merges may read it from any thread.
final class SpillRun: Sendable {
    /// A host hash's rows in a run: bytes `start..<start + length` of the file.
    struct Section: Sendable {
        var hash: UInt64
        var start: Int
        var length: Int
        var rows: Int
    }

    /// Sections per block of the index (one `pread` of 1 KiB).
    static let sectionsPerBlock = 32
    /// Bytes of one section's index entry.
    static let entryBytes = 32

    private let descriptor: Int32
    /// Each index block's first hash.
    private let firstHashes: [UInt64]
    private let filter: BlockedBloomFilter
    /// Sections (host hashes) in the run.
    let sectionCount: Int
    /// Where the index starts (the bytes of the rows).
    let indexOffset: Int
    /// Rows in the run.
    let rowCount: Int

    init(descriptor: Int32, firstHashes: [UInt64], filter: BlockedBloomFilter, sectionCount: Int, indexOffset: Int, rowCount: Int) {
        self.descriptor = descriptor
        self.firstHashes = firstHashes
        self.filter = filter
        self.sectionCount = sectionCount
        self.indexOffset = indexOffset
        self.rowCount = rowCount
    }

    deinit {
        close(descriptor)
    }

    /// Frees the file's disk blocks (it is empty afterwards; for a run no
    /// longer read: freeing gigabytes takes the file system a while, so it is
    /// done on a thread of its own rather than at the last `close`).
    func releaseDisk() {
        _ = ftruncate(descriptor, 0)
    }

    /// The bytes of the file.
    var diskBytes: Int { indexOffset + sectionCount * Self.entryBytes }

    /// The bytes its sparse index and filter take in memory.
    var memoryBytes: Int { filter.memoryBytes + firstHashes.count * MemoryLayout<UInt64>.stride }

    /// Blocks of the section index.
    var blockCount: Int { firstHashes.count }

    /// Whether the run may have a section for `hash` (`false`: certainly not).
    func mayContain(_ hash: UInt64) -> Bool {
        filter.mayContain(hash)
    }

    /// The section of `hash`, if the run has one.
    /// - Throws: ``StateStoreError`` when the index cannot be read.
    func section(for hash: UInt64) throws(StateStoreError) -> Section? {
        guard filter.mayContain(hash) else { return nil }
        var low = 0
        var high = firstHashes.count
        while low < high {
            let middle = (low + high) / 2
            if firstHashes[middle] <= hash { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let first = (low - 1) * Self.sectionsPerBlock
        let count = min(Self.sectionsPerBlock, sectionCount - first)
        let bytes = try read(from: indexOffset + first * Self.entryBytes, count: count * Self.entryBytes)
        // A binary search in the block's bytes: only the section found is decoded.
        return bytes.withUnsafeBytes { raw -> Section? in
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                let found = Self.word(raw, at: middle * Self.entryBytes)
                if found == hash { return Self.section(raw, at: middle * Self.entryBytes) }
                if found < hash { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// The sections of one block of the index, in order.
    /// - Throws: ``StateStoreError`` when the index cannot be read.
    func sections(inBlock block: Int) throws(StateStoreError) -> [Section] {
        let first = block * Self.sectionsPerBlock
        let count = min(Self.sectionsPerBlock, sectionCount - first)
        let bytes = try read(from: indexOffset + first * Self.entryBytes, count: count * Self.entryBytes)
        return bytes.withUnsafeBytes { raw in (0..<count).map { Self.section(raw, at: $0 * Self.entryBytes) } }
    }

    /// The index entry at `offset`.
    private static func section(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Section {
        Section(
            hash: word(raw, at: offset), start: Int(word(raw, at: offset + 8)), length: Int(word(raw, at: offset + 16)),
            rows: Int(word(raw, at: offset + 24)))
    }

    /// The little-endian 64-bit word at `offset`.
    @inline(__always)
    private static func word(_ raw: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// `count` bytes of the file from `offset`.
    /// - Throws: ``StateStoreError`` when they cannot be read.
    func read(from offset: Int, count: Int) throws(StateStoreError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let read = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
            }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else {
                let code = read < 0 ? errno : EIO
                throw StateStoreError(path: "(spill run)", operation: "read spilled", code: code, message: String(cString: strerror(code)))
            }
            done += read
        }
        return bytes
    }
}
