import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a ``SpillRun``: sections in ascending hash order, each its rows in
/// order, written a MiB at a time; then the section index.
///
/// The index's entries (32 bytes per section) wait in memory up to a MiB;
/// past it they go to a second unlinked file, copied after the rows at the
/// end, so a merge of a million hosts holds a few MiB, not 32 MB of entries.
struct SpillRunWriter {
    private let descriptor: Int32
    private let path: String
    private let directory: String
    private var buffer: [UInt8] = []
    private var written = 0
    /// The section being written (its entry is kept once it is closed with rows).
    private var open: SpillRun.Section?
    /// Index entries not yet in the side file.
    private var index: [UInt8] = []
    /// The side file of index entries, once they passed a MiB.
    private var indexFile: Int32?
    private var indexFileBytes = 0
    private var sectionCount = 0
    private var firstHashes: [UInt64] = []
    private var filter: BlockedBloomFilter
    private var rowCount = 0
    /// Bytes gathered before a write to a file.
    private static let writeBytes = 1 << 20

    /// Creates an unlinked file in `directory` for about `expectedSections` sections.
    /// - Throws: ``StateStoreError`` when the file cannot be created.
    init(directory: String, expectedSections: Int) throws(StateStoreError) {
        (descriptor, path) = try UnlinkedFile.create(in: directory, prefix: "spill-run")
        self.directory = directory
        filter = BlockedBloomFilter(expectedCount: max(1, expectedSections))
        buffer.reserveCapacity(Self.writeBytes + (64 << 10))
    }

    /// Starts the section of `hash`, greater than every hash before.
    /// - Throws: ``StateStoreError`` when the index cannot be written.
    mutating func beginSection(_ hash: UInt64) throws(StateStoreError) {
        try closeSection()
        open = SpillRun.Section(hash: hash, start: dataBytes, length: 0, rows: 0)
        filter.insert(hash)
    }

    /// Adds a row (its bytes, length prefix included) to the open section.
    /// - Throws: ``StateStoreError`` when the file cannot be written.
    mutating func append(_ row: UnsafeBufferPointer<UInt8>) throws(StateStoreError) {
        buffer.append(contentsOf: row)
        open?.length += row.count
        open?.rows += 1
        rowCount += 1
        if buffer.count >= Self.writeBytes { try drain() }
    }

    /// Bytes of rows added so far.
    var dataBytes: Int { written + buffer.count }

    /// Keeps the open section's index entry (a section with no rows is not kept).
    private mutating func closeSection() throws(StateStoreError) {
        guard let section = open, section.rows > 0 else { return }
        open = nil
        if sectionCount % SpillRun.sectionsPerBlock == 0 { firstHashes.append(section.hash) }
        sectionCount += 1
        Self.appendWord(section.hash, to: &index)
        Self.appendWord(UInt64(section.start), to: &index)
        Self.appendWord(UInt64(section.length), to: &index)
        Self.appendWord(UInt64(section.rows), to: &index)
        guard index.count >= Self.writeBytes else { return }
        if indexFile == nil { indexFile = try UnlinkedFile.create(in: directory, prefix: "spill-index").descriptor }
        let count = index.count
        try write(&index, to: indexFile ?? -1)
        indexFileBytes += count
    }

    private static func appendWord(_ word: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    /// Writes what is left and the index, and returns the run.
    /// - Parameter failing: fail after writing, as a full disk would (a test hook).
    /// - Throws: ``StateStoreError`` when the file cannot be written.
    consuming func finish(failing: Bool = false) throws(StateStoreError) -> SpillRun {
        do throws(StateStoreError) {
            try closeSection()
            try drain()
            let indexOffset = written
            try copyIndex()
            if failing { try fail(ENOSPC) }
            if let indexFile { close(indexFile) }
            return SpillRun(
                descriptor: descriptor, firstHashes: firstHashes, filter: filter, sectionCount: sectionCount, indexOffset: indexOffset,
                rowCount: rowCount)
        } catch {
            discard()
            throw error
        }
    }

    /// Writes the index after the rows: the side file's entries, then those in memory.
    private mutating func copyIndex() throws(StateStoreError) {
        if let indexFile {
            var offset = 0
            while offset < indexFileBytes {
                let count = min(Self.writeBytes, indexFileBytes - offset)
                buffer = [UInt8](repeating: 0, count: count)
                let read = buffer.withUnsafeMutableBytes { pread(indexFile, $0.baseAddress, count, off_t(offset)) }
                guard read == count else { try fail(read < 0 ? errno : EIO) }
                try drain()
                offset += count
            }
        }
        try write(&index, to: descriptor)
    }

    /// Closes the files without making a run (after a failure).
    consuming func discard() {
        close(descriptor)
        if let indexFile { close(indexFile) }
    }

    private mutating func drain() throws(StateStoreError) {
        let count = buffer.count
        try write(&buffer, to: descriptor)
        written += count
    }

    /// Writes `bytes` to `file` and empties them.
    private func write(_ bytes: inout [UInt8], to file: Int32) throws(StateStoreError) {
        guard !bytes.isEmpty else { return }
        let code = bytes.withUnsafeBytes { writeFully(file, $0) }
        guard code == 0 else { try fail(code) }
        bytes.removeAll(keepingCapacity: true)
    }

    private func fail(_ code: Int32) throws(StateStoreError) -> Never {
        throw StateStoreError(path: path, operation: "write spill run", code: code, message: String(cString: strerror(code)))
    }
}
