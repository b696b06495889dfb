/// The rows a ``SpillQueue`` holds in memory until they are written as a run:
/// encoded (``SpillRow``) one after another in one byte array, each with a
/// small record (hash, key, place) chained per host hash, so a take finds a
/// host's rows without a scan and a flush sorts the records, not the rows.
struct SpillBuffer {
    /// One row's record (its key is read from its bytes when needed).
    struct Row {
        var hash: UInt64
        var start: UInt32
        /// Its bytes (0: taken).
        var length: UInt32
        /// The host's next row (-1: none).
        var next: Int32
    }

    /// The rows' bytes (taken rows' bytes stay until the buffer is emptied).
    private(set) var bytes: [UInt8] = []
    private(set) var rows: [Row] = []
    /// Each host hash's first row.
    private var heads: [UInt64: Int32] = [:]
    /// Bytes of the rows not taken.
    private(set) var liveBytes = 0
    /// Rows not taken.
    private(set) var liveRows = 0

    /// Whether no row waits in the buffer.
    var isEmpty: Bool { liveRows == 0 }

    /// The bytes it takes in memory (arrays at their capacity, the chain heads with table slack).
    var memoryBytes: Int {
        bytes.capacity + rows.capacity * MemoryLayout<Row>.stride + heads.capacity * 2 * MemoryLayout<(UInt64, Int32)>.stride
    }

    /// The bytes of its rows and their records (what is held to the cap).
    var footprint: Int { bytes.count + rows.count * MemoryLayout<Row>.stride + heads.count * 2 * MemoryLayout<(UInt64, Int32)>.stride }

    /// Reserves room for rows up to `cap` bytes (see ``footprint``), so the
    /// arrays do not grow by doubling later.
    mutating func reserve(_ cap: Int) {
        bytes.reserveCapacity(cap)
        rows.reserveCapacity(cap / 64)
        heads.reserveCapacity(cap / 512)
    }

    /// Adds a URL of the host whose hash is `hash`.
    mutating func append(_ entry: FrontierEntry, arrival: Int, hash: UInt64) {
        let start = bytes.count
        _ = SpillRow.encode(entry, arrival: arrival, into: &bytes)
        let length = bytes.count - start
        let next = heads[hash] ?? -1
        heads[hash] = Int32(rows.count)
        rows.append(Row(hash: hash, start: UInt32(start), length: UInt32(length), next: next))
        liveBytes += length
        liveRows += 1
    }

    /// A row's key.
    func key(_ index: Int) -> SpillKey {
        let row = rows[index]
        return bytes.withUnsafeBufferPointer { SpillRow.peek($0, at: Int(row.start), end: Int(row.start + row.length))?.key }
            ?? SpillKey(rank: .max, depth: .max, arrival: .max)
    }

    /// The rows of `hash` (indexes into ``rows``) with their keys, in order.
    func rows(ofHash hash: UInt64) -> [(index: Int, key: SpillKey)] {
        var found: [(index: Int, key: SpillKey)] = []
        var index = heads[hash] ?? -1
        while index >= 0 {
            found.append((Int(index), key(Int(index))))
            index = rows[Int(index)].next
        }
        found.sort { $0.key < $1.key }
        return found
    }

    /// Removes the rows `taken` of `hash` (the first of `sorted`, its rows in
    /// order); the others stay, chained in order.
    mutating func remove(first taken: Int, of sorted: [(index: Int, key: SpillKey)], hash: UInt64) {
        guard taken > 0 else { return }
        for (index, _) in sorted[..<taken] {
            liveBytes -= Int(rows[index].length)
            rows[index].length = 0
        }
        liveRows -= taken
        let left = sorted[taken...]
        for (row, next) in zip(left, left.dropFirst()) { rows[row.index].next = Int32(next.index) }
        if let last = left.last { rows[last.index].next = -1 }
        heads[hash] = left.first.map { Int32($0.index) }
        if liveRows == 0 { removeAll() }
    }

    /// The live rows in the order of a run: by hash, then key.
    func sortedForRun() -> [Int] {
        var order = rows.indices.compactMap { rows[$0].length > 0 ? (hash: rows[$0].hash, key: key($0), index: $0) : nil }
        order.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.key < $1.key }
        return order.map(\.index)
    }

    /// Calls `body` with a row's bytes (length prefix included).
    func withRow<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let row = rows[index]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(row.start)..<Int(row.start) + Int(row.length)])) }
    }

    /// The URL of a row, with its arrival number (`nil` for a torn row, which an encoded one never is).
    func decode(_ index: Int) -> (entry: FrontierEntry, arrival: Int)? {
        withRow(index) { SpillRow.decode($0, at: 0, length: $0.count) }
    }

    /// Empties the buffer (its arrays keep their capacity for the next rows).
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
        heads.removeAll(keepingCapacity: true)
        liveBytes = 0
        liveRows = 0
    }
}
