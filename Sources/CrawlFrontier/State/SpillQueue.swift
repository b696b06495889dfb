#if canImport(Glibc)
    import Glibc
#endif

/// Where a frontier keeps the URLs that do not fit in memory: an SQLite file
/// (beside the state database of a resumable crawl, or a temporary one removed
/// with the queue), read back host by host as the host's in-memory head drains.
///
/// URLs come back in the order the in-memory queue would hand them out:
/// priority (highest first), then depth, then arrival (the `arrival` number
/// the frontier gives each URL). The frontier keeps every URL on disk behind
/// every URL of the same host in memory, so the two together hand out URLs in
/// exactly the in-memory order.
///
/// It is a buffer, not part of the resumable state: spilled URLs are in the
/// state store's `queued` log like every accepted URL, so the file is emptied
/// when it is opened, and a resumed crawl spills again what does not fit.
/// Durability is not needed, so it is written without syncing.
///
/// Not `Sendable`: owned and used by one ``Frontier`` (an actor).
public final class SpillQueue {
    /// The file name inside a state directory.
    public static let fileName = "spill.sqlite"

    private let connection: SQLiteConnection
    private let insert: SQLiteStatement
    private let selectHost: SQLiteStatement
    private let deleteRow: SQLiteStatement
    private let begin: SQLiteStatement
    private let commit: SQLiteStatement
    /// URLs appended and not written yet (written by ``flush()``, one transaction).
    private var buffer: [(entry: FrontierEntry, arrival: Int)] = []
    /// URLs spilled and not yet taken back, per host.
    private var spilledPerHost: [String: Int] = [:]
    /// The temporary directory to remove with the queue (`nil` in a state directory).
    private let temporaryDirectory: String?
    /// The directory of the file (the state directory, or the temporary one).
    public let directory: String
    /// URLs spilled and not yet taken back.
    public private(set) var count = 0
    /// URLs written to disk so far.
    public private(set) var writtenCount = 0

    /// Opens (and empties) the spill file in `directory`, which must exist.
    /// - Parameter directory: the state directory.
    /// - Throws: ``StateStoreError`` when the file cannot be opened or prepared.
    public init(directory: String) throws(StateStoreError) {
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + Self.fileName
        connection = try SQLiteConnection(path: path)
        temporaryDirectory = nil
        self.directory = directory
        (insert, selectHost, deleteRow, begin, commit) = try Self.prepareTable(on: connection)
    }

    /// Creates a spill file in a new private temporary directory (under
    /// `TMPDIR`, or `/tmp`), removed with the queue.
    /// - Throws: ``StateStoreError`` when the directory or file cannot be made.
    public init() throws(StateStoreError) {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/asyncurl-spill-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let start = buffer.baseAddress else { return false }
            return mkdtemp(start) != nil
        }
        guard made else {
            throw StateStoreError(path: base, operation: "create spill directory", code: errno, message: String(cString: strerror(errno)))
        }
        let directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(StateStoreError) {
            connection = try SQLiteConnection(path: directory + "/" + Self.fileName)
        } catch {
            Self.remove(directory: directory)
            throw error
        }
        do throws(StateStoreError) {
            (insert, selectHost, deleteRow, begin, commit) = try Self.prepareTable(on: connection)
        } catch {
            Self.remove(directory: directory)
            throw error
        }
        temporaryDirectory = directory
        self.directory = directory
    }

    deinit {
        if let temporaryDirectory { Self.remove(directory: temporaryDirectory) }
    }

    private static func remove(directory: String) {
        unlink(directory + "/" + fileName)
        unlink(directory + "/" + fileName + "-journal")
        rmdir(directory)
    }

    // swiftlint:disable:next large_tuple
    private static func prepareTable(on connection: SQLiteConnection) throws(StateStoreError)
        -> (SQLiteStatement, SQLiteStatement, SQLiteStatement, SQLiteStatement, SQLiteStatement)
    {
        try connection.execute(
            """
            PRAGMA journal_mode=OFF;
            PRAGMA synchronous=OFF;
            DROP TABLE IF EXISTS spilled;
            CREATE TABLE spilled(sequence INTEGER PRIMARY KEY, \(FrontierEntryRow.columnDefinitions), arrival INTEGER NOT NULL);
            CREATE INDEX spilled_order ON spilled(host_key, priority DESC, depth, arrival);
            """,
            operation: "create spill table")
        return (
            try connection.prepare(
                "INSERT INTO spilled(\(FrontierEntryRow.columnNames), arrival) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                operation: "spill"),
            try connection.prepare(
                "SELECT \(FrontierEntryRow.columnNames), sequence, arrival FROM spilled WHERE host_key = ?1 "
                    + "ORDER BY priority DESC, depth, arrival LIMIT ?2",
                operation: "read spilled"),
            try connection.prepare("DELETE FROM spilled WHERE sequence = ?1", operation: "delete spilled"),
            try connection.prepare("BEGIN", operation: "begin spill"),
            try connection.prepare("COMMIT", operation: "commit spill")
        )
    }

    /// The bytes of the file on disk.
    package var diskBytes: Int {
        var status = stat()
        return stat(connection.path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// The hosts with spilled URLs.
    public var hosts: Dictionary<String, Int>.Keys { spilledPerHost.keys }

    /// URLs of `hostKey` waiting on disk.
    public func count(forHost hostKey: String) -> Int {
        spilledPerHost[hostKey, default: 0]
    }

    /// Queues `entry` for the disk (written by the next ``flush()``).
    /// - Parameter entry: the URL.
    /// - Parameter arrival: its place among URLs of equal priority and depth (lower first).
    public func append(_ entry: FrontierEntry, arrival: Int) {
        buffer.append((entry, arrival))
        spilledPerHost[entry.hostKey, default: 0] += 1
        count += 1
    }

    /// Writes the URLs appended since the last flush, in one transaction.
    /// When that fails they are taken back and returned (nothing is lost).
    /// - Returns: the URLs that could not be written, with their arrival numbers.
    @discardableResult
    public func flush() -> [(entry: FrontierEntry, arrival: Int)] {
        guard !buffer.isEmpty else { return [] }
        let entries = buffer
        buffer = []
        do {
            try connection.transaction(begin: begin, commit: commit) { () throws(StateStoreError) in
                for (entry, arrival) in entries {
                    try insert.bind(entry)
                    try insert.bind(Int64(arrival), at: 8)
                    try insert.run()
                }
            }
            writtenCount += entries.count
            return []
        } catch {
            for (entry, _) in entries { forget(entry.hostKey, 1) }
            return entries
        }
    }

    /// Takes back (and removes) the first `limit` URLs of `hostKey`, in
    /// order (priority, depth, arrival), with their arrival numbers. URLs
    /// appended and not yet written are written first; if that fails they are
    /// what is returned, so the caller keeps them in memory.
    /// - Parameter hostKey: the host.
    /// - Parameter limit: the most URLs taken.
    /// - Throws: ``StateStoreError`` when the file cannot be read or changed.
    public func take(host hostKey: String, limit: Int) throws(StateStoreError) -> [(entry: FrontierEntry, arrival: Int)] {
        guard limit > 0, spilledPerHost[hostKey] != nil else { return [] }
        // URLs that cannot be written come back at once (kept in memory rather than lost).
        let failed = flush()
        guard failed.isEmpty else { return failed }
        var taken: [(entry: FrontierEntry, arrival: Int)] = []
        var rows: [Int64] = []
        try selectHost.bind(hostKey, at: 1)
        try selectHost.bind(Int64(limit), at: 2)
        try selectHost.forEachRow { row in
            taken.append((row.entry, Int(row.int64(at: 8))))
            rows.append(row.int64(at: 7))
        }
        guard !taken.isEmpty else {
            forget(hostKey, spilledPerHost[hostKey, default: 0])
            return []
        }
        try connection.transaction(begin: begin, commit: commit) { () throws(StateStoreError) in
            for row in rows {
                try deleteRow.bind(row, at: 1)
                try deleteRow.run()
            }
        }
        forget(hostKey, taken.count)
        return taken
    }

    private func forget(_ hostKey: String, _ number: Int) {
        let left = spilledPerHost[hostKey, default: 0] - number
        spilledPerHost[hostKey] = left > 0 ? left : nil
        count -= number
    }
}
