import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a ``SpillRun``: sections in ascending hash order, each its rows in
/// order, written a MiB at a time; then the section index.
struct SpillRunWriter {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var written = 0
    private var sections: [SpillRun.Section] = []
    private var filter: BlockedBloomFilter
    private var rowCount = 0
    /// Bytes written before a write to the file.
    private static let writeBytes = 1 << 20

    /// Creates an unlinked file in `directory` for about `expectedSections` sections.
    /// - Throws: ``StateStoreError`` when the file cannot be created.
    init(directory: String, expectedSections: Int) throws(StateStoreError) {
        (descriptor, path) = try UnlinkedFile.create(in: directory, prefix: "spill-run")
        filter = BlockedBloomFilter(expectedCount: max(1, expectedSections))
        buffer.reserveCapacity(Self.writeBytes + (64 << 10))
    }

    /// Starts the section of `hash`, greater than every hash before.
    mutating func beginSection(_ hash: UInt64) {
        sections.append(SpillRun.Section(hash: hash, start: written + buffer.count, length: 0, rows: 0))
        filter.insert(hash)
    }

    /// Adds a row (its bytes, length prefix included) to the open section.
    /// - Throws: ``StateStoreError`` when the file cannot be written.
    mutating func append(_ row: UnsafeBufferPointer<UInt8>) throws(StateStoreError) {
        buffer.append(contentsOf: row)
        sections[sections.count - 1].length += row.count
        sections[sections.count - 1].rows += 1
        rowCount += 1
        if buffer.count >= Self.writeBytes { try drain() }
    }

    /// Bytes of rows added so far.
    var dataBytes: Int { written + buffer.count }

    /// Writes what is left and the index, and returns the run.
    /// - Parameter failing: fail after writing, as a full disk would (a test hook).
    /// - Throws: ``StateStoreError`` when the file cannot be written.
    consuming func finish(failing: Bool = false) throws(StateStoreError) -> SpillRun {
        // A section with no rows (every row of its host consumed) is not kept.
        sections.removeAll { $0.rows == 0 }
        let indexOffset = dataBytes
        var firstHashes: [UInt64] = []
        do throws(StateStoreError) {
            firstHashes = try writeIndex()
            if failing { try fail(ENOSPC) }
        } catch {
            close(descriptor)
            throw error
        }
        return SpillRun(
            descriptor: descriptor, firstHashes: firstHashes, filter: filter, sectionCount: sections.count, indexOffset: indexOffset,
            rowCount: rowCount)
    }

    /// Writes the rows still buffered and the section index; returns each index block's first hash.
    private mutating func writeIndex() throws(StateStoreError) -> [UInt64] {
        var firstHashes: [UInt64] = []
        firstHashes.reserveCapacity(sections.count / SpillRun.sectionsPerBlock + 1)
        for (number, section) in sections.enumerated() {
            if number % SpillRun.sectionsPerBlock == 0 { firstHashes.append(section.hash) }
            appendWord(section.hash)
            appendWord(UInt64(section.start))
            appendWord(UInt64(section.length))
            appendWord(UInt64(section.rows))
            if buffer.count >= Self.writeBytes { try drain() }
        }
        try drain()
        return firstHashes
    }

    /// Closes the file without making a run (after a failure).
    consuming func discard() {
        close(descriptor)
    }

    private mutating func appendWord(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { buffer.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    private mutating func drain() throws(StateStoreError) {
        guard !buffer.isEmpty else { return }
        let code = buffer.withUnsafeBytes { writeFully(descriptor, $0) }
        guard code == 0 else { try fail(code) }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func fail(_ code: Int32) throws(StateStoreError) -> Never {
        throw StateStoreError(path: path, operation: "write spill run", code: code, message: String(cString: strerror(code)))
    }
}
