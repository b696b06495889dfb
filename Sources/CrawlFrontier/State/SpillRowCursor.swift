/// Reads the rows of part of a ``SpillRun``'s section in order, a chunk of
/// the file at a time (one `pread` per chunk; a row longer than a chunk is
/// read whole).
///
/// A take reads no further than the section's end; a merge's cursor reads
/// ahead (a MiB at a time) and is moved from section to section with
/// ``seek(from:to:)``, so reading a run for a merge is a sequential read.
struct SpillRowCursor {
    private let run: SpillRun
    /// The file offset of `chunk`'s first byte.
    private var offset: Int
    /// Where the rows read end (the section's end).
    private var end: Int
    private let chunkBytes: Int
    /// Whether a read may go past `end` (up to the run's index).
    private let readsAhead: Bool
    /// The bytes read; the current row lies in them.
    private(set) var chunk: [UInt8] = []
    /// Where the next row starts in `chunk`.
    private var position = 0
    /// The current row: its key, and where it lies in `chunk` (length prefix included).
    private(set) var current: (key: SpillKey, start: Int, length: Int)?

    /// A cursor before the rows in bytes `start..<end` of `run`.
    /// - Parameters:
    ///   - chunkBytes: the bytes read at a time.
    ///   - readsAhead: whether reads may go past `end`, for a later ``seek(from:to:)``.
    init(_ run: SpillRun, from start: Int, to end: Int, chunkBytes: Int, readsAhead: Bool = false) {
        self.run = run
        offset = start
        self.end = end
        self.chunkBytes = max(256, chunkBytes)
        self.readsAhead = readsAhead
    }

    /// Moves before the rows in bytes `start..<end` (at or after the rows read so far), keeping what was read.
    mutating func seek(from start: Int, to end: Int) {
        current = nil
        self.end = end
        if start >= offset, start <= offset + chunk.count {
            position = start - offset
        } else {
            chunk = []
            offset = start
            position = 0
        }
    }

    /// Moves to the next row; `false` at the end.
    /// - Throws: ``StateStoreError`` when the file cannot be read or a row is torn.
    mutating func next() throws(StateStoreError) -> Bool {
        if let current { position = current.start + current.length }
        current = nil
        guard offset + position < end else { return false }
        let limit = end - offset
        if let row = chunk.withUnsafeBufferPointer({ SpillRow.peek($0, at: position, end: min($0.count, limit)) }) {
            current = (row.key, position, row.length)
            return true
        }
        let remaining = end - (offset + position)
        let readable = readsAhead ? run.indexOffset - (offset + position) : remaining
        var size = min(readable, max(chunkBytes, 0))
        while true {
            chunk = try run.read(from: offset + position, count: size)
            offset += position
            position = 0
            if let row = chunk.withUnsafeBufferPointer({ SpillRow.peek($0, at: 0, end: min($0.count, remaining)) }) {
                current = (row.key, 0, row.length)
                return true
            }
            guard size < remaining else {
                throw StateStoreError(path: "(spill run)", operation: "read spilled", code: -1, message: "a torn row in a spill run")
            }
            size = min(readable, size * 2)
        }
    }

    /// Calls `body` with the current row's bytes (length prefix included).
    func withCurrentRow<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        guard let current else { return nil }
        return chunk.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[current.start..<current.start + current.length])) }
    }
}
