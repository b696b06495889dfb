/// The rows a ``SpillQueue`` holds in memory until they are written as a run:
/// encoded (``SpillRow``) one after another in one byte array, each with a
/// small record (hash, key, place) chained per host hash, so a take finds a
/// host's rows without a scan and a flush sorts the records, not the rows.
///
/// A host's chain is kept in key order: rows come at its tail, and a row
/// with a smaller key than the tail's (a higher priority, or a lower depth)
/// marks the chain for one sort at the next take. A take then reads only the
/// rows it takes: rows usually come in order (arrival numbers grow), and a
/// take that sorted the whole chain each time cost a seed list of 1,000,000
/// URLs of one host a fifth of its CPU time.
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
    /// Each host hash's last row.
    private var tails: [UInt64: Int32] = [:]
    /// The host hashes whose chain is out of key order (sorted at their next take).
    private var unsorted = Set<UInt64>()
    /// Bytes of the rows not taken.
    private(set) var liveBytes = 0
    /// Rows not taken.
    private(set) var liveRows = 0

    /// Whether no row waits in the buffer.
    var isEmpty: Bool { liveRows == 0 }

    /// The bytes it takes in memory (arrays at their capacity, the chain heads with table slack).
    var memoryBytes: Int {
        let chainEnds = (heads.capacity + tails.capacity) * 2 * MemoryLayout<(UInt64, Int32)>.stride
        return bytes.capacity + rows.capacity * MemoryLayout<Row>.stride + chainEnds + unsorted.capacity * 2 * MemoryLayout<UInt64>.stride
    }

    /// The bytes of its rows and their records (what is held to the cap).
    var footprint: Int {
        bytes.count + rows.count * MemoryLayout<Row>.stride + (heads.count + tails.count) * 2 * MemoryLayout<(UInt64, Int32)>.stride
            + unsorted.count * 2 * MemoryLayout<UInt64>.stride
    }

    /// Reserves room for rows up to `cap` bytes (see ``footprint``), so the
    /// arrays do not grow by doubling later.
    mutating func reserve(_ cap: Int) {
        bytes.reserveCapacity(cap)
        rows.reserveCapacity(cap / 64)
        heads.reserveCapacity(cap / 512)
        tails.reserveCapacity(cap / 512)
    }

    /// Adds a URL of the host whose hash is `hash`, at its chain's tail.
    mutating func append(_ entry: FrontierEntry, arrival: Int, hash: UInt64) {
        let start = bytes.count
        let key = SpillRow.encode(entry, arrival: arrival, into: &bytes)
        let length = bytes.count - start
        let index = Int32(rows.count)
        rows.append(Row(hash: hash, start: UInt32(start), length: UInt32(length), next: -1))
        if let tail = tails[hash] {
            if key < self.key(Int(tail)) { unsorted.insert(hash) }
            rows[Int(tail)].next = index
        } else {
            heads[hash] = index
        }
        tails[hash] = index
        liveBytes += length
        liveRows += 1
    }

    /// A row's key.
    func key(_ index: Int) -> SpillKey {
        let row = rows[index]
        return bytes.withUnsafeBufferPointer { SpillRow.peek($0, at: Int(row.start), end: Int(row.start + row.length))?.key }
            ?? SpillKey(rank: .max, depth: .max, arrival: .max)
    }

    /// The first `limit` rows of `hash` in key order (indexes into ``rows``), with their keys.
    mutating func firstRows(ofHash hash: UInt64, limit: Int) -> [(index: Int, key: SpillKey)] {
        if unsorted.contains(hash) { sortChain(ofHash: hash) }
        var found: [(index: Int, key: SpillKey)] = []
        var index = heads[hash] ?? -1
        while index >= 0, found.count < limit {
            found.append((Int(index), key(Int(index))))
            index = rows[Int(index)].next
        }
        return found
    }

    /// Chains the rows of `hash` in key order.
    private mutating func sortChain(ofHash hash: UInt64) {
        unsorted.remove(hash)
        var chain: [(index: Int, key: SpillKey)] = []
        var index = heads[hash] ?? -1
        while index >= 0 {
            chain.append((Int(index), key(Int(index))))
            index = rows[Int(index)].next
        }
        chain.sort { $0.key < $1.key }
        for (row, next) in zip(chain, chain.dropFirst()) { rows[row.index].next = Int32(next.index) }
        if let last = chain.last { rows[last.index].next = -1 }
        heads[hash] = chain.first.map { Int32($0.index) }
        tails[hash] = chain.last.map { Int32($0.index) }
    }

    /// Removes the first `count` rows of `hash` in key order (those
    /// ``firstRows(ofHash:limit:)`` gave first), or all it has when fewer.
    mutating func removeFirst(_ count: Int, ofHash hash: UInt64) {
        guard count > 0 else { return }
        if unsorted.contains(hash) { sortChain(ofHash: hash) }
        var index = heads[hash] ?? -1
        var removed = 0
        while index >= 0, removed < count {
            liveBytes -= Int(rows[Int(index)].length)
            rows[Int(index)].length = 0
            index = rows[Int(index)].next
            removed += 1
        }
        liveRows -= removed
        if index >= 0 {
            heads[hash] = index
        } else {
            heads[hash] = nil
            tails[hash] = nil
        }
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
        tails.removeAll(keepingCapacity: true)
        unsorted.removeAll()
        liveBytes = 0
        liveRows = 0
    }
}
