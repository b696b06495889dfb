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
/// state store's `queued` log like every accepted URL, so the file is made
/// anew when it is opened, and a resumed crawl spills again what does not fit.
/// Durability is not needed, so it is written without a journal or syncing,
/// in long transactions.
///
/// Hosts are known by a 64-bit hash of their key (``hostHash(_:)``): the
/// count of URLs on disk is kept per hash, so a host whose URLs are all on
/// disk costs a few bytes of memory, not its key's storage. Rows are keyed
/// by the hash; two hosts whose keys hash alike (in practice none) share a
/// range, which is read back in order, each row with its own host key, so each
/// host's URLs still come back in its own order.
///
/// Not `Sendable`: owned and used by one ``Frontier`` (an actor).
public final class SpillQueue {
    /// The file name inside a state directory.
    public static let fileName = "spill.sqlite"

    private let connection: SQLiteConnection
    private let statements: Statements
    /// URLs appended and not written yet (written by ``flush()``, one
    /// transaction), with their hosts' ``hostHash(_:)`` (computed once).
    private var buffer: [(entry: FrontierEntry, arrival: Int, hostHash: UInt64)] = []
    /// URLs spilled and not yet taken back, per host hash (``hostHash(_:)``).
    private var spilledPerHost: [UInt64: Int] = [:]
    /// The bits of ``hostHash(_:)`` kept (a test hook: fewer bits make hosts share hashes).
    package var hostHashMask = UInt64.max
    /// The temporary directory to remove with the queue (`nil` in a state directory).
    private let temporaryDirectory: String?
    /// The directory of the file (the state directory, or the temporary one).
    public let directory: String
    /// URLs spilled and not yet taken back.
    public private(set) var count = 0
    /// URLs written to disk so far.
    public private(set) var writtenCount = 0
    /// Whether a transaction is open (see ``openTransaction()``).
    private var isInTransaction = false
    /// Rows written since the open transaction began.
    private var rowsSinceCommit = 0
    /// Rows written in one transaction before it is committed.
    static let rowsPerTransaction = 65_536
    /// The free space (bytes) a flush leaves on the spill file's file system
    /// at least: short of it, the flush writes nothing and hands its URLs
    /// back, to be kept in memory. The file has no journal, so a write that
    /// fails midway (a full disk) would leave it unreadable; the crawl's own
    /// spilling never gets that far. Settable for tests.
    package var minimumFreeBytes = SpillQueue.defaultMinimumFreeBytes
    /// The default of `minimumFreeBytes`: 256 MiB.
    public static let defaultMinimumFreeBytes = 256 << 20
    /// The most bytes a row of the spill file is counted for, against the free space (URLs and referrers are capped below it).
    static let rowBytesBound = 20 << 10
    /// Reads that fail on purpose before any real one (a test hook, to provoke a read failure).
    package var injectedReadFailures = 0

    /// Opens (and empties) the spill file in `directory`, which must exist.
    /// - Parameter directory: the state directory.
    /// - Throws: ``StateStoreError`` when the file cannot be opened or prepared.
    public init(directory: String) throws(StateStoreError) {
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + Self.fileName
        // A buffer, written without a journal: a file left by a killed crawl may be
        // torn, so it is removed rather than opened.
        unlink(path)
        unlink(path + "-journal")
        connection = try SQLiteConnection(path: path)
        temporaryDirectory = nil
        self.directory = directory
        statements = try Statements(on: connection)
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
            statements = try Statements(on: connection)
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

    /// The prepared statements of the spill table.
    ///
    /// The table is clustered on the order URLs go out in (`WITHOUT ROWID`,
    /// keyed by the host's hash, then `~priority`, depth and arrival), so a host's head
    /// is one range read and one range delete, and no second index is kept.
    private struct Statements {
        let insert: SQLiteStatement
        /// ``SpillQueue/rowsPerInsert`` rows in one statement (one cursor and one statement run for them all).
        let insertMany: SQLiteStatement
        let selectHost: SQLiteStatement
        let deleteHead: SQLiteStatement
        let deleteHost: SQLiteStatement
        let begin: SQLiteStatement
        let commit: SQLiteStatement

        init(on connection: SQLiteConnection) throws(StateStoreError) {
            // One process owns the file (exclusive locking: no lock calls and no cache
            // checks per transaction); it is a buffer, so nothing is journaled or synced.
            try connection.execute(
                """
                PRAGMA locking_mode=EXCLUSIVE;
                PRAGMA journal_mode=OFF;
                PRAGMA synchronous=OFF;
                PRAGMA cache_size=-\(SpillQueue.cacheKiB);
                DROP TABLE IF EXISTS spilled;
                CREATE TABLE spilled(host_hash INTEGER NOT NULL, rank INTEGER NOT NULL, depth INTEGER NOT NULL,
                    arrival INTEGER NOT NULL, host_key TEXT NOT NULL, fingerprint INTEGER NOT NULL, url TEXT NOT NULL, referrer TEXT,
                    payload BLOB, PRIMARY KEY(host_hash, rank, depth, arrival)) WITHOUT ROWID;
                """,
                operation: "create spill table")
            insert = try connection.prepare(Self.insertSQL(rows: 1), operation: "spill")
            insertMany = try connection.prepare(Self.insertSQL(rows: SpillQueue.rowsPerInsert), operation: "spill")
            selectHost = try connection.prepare(
                "SELECT rank, depth, arrival, fingerprint, url, referrer, payload, host_key FROM spilled WHERE host_hash = ?1 "
                    + "ORDER BY rank, depth, arrival LIMIT ?2",
                operation: "read spilled")
            deleteHead = try connection.prepare(
                "DELETE FROM spilled WHERE host_hash = ?1 AND (rank, depth, arrival) <= (?2, ?3, ?4)", operation: "delete spilled")
            deleteHost = try connection.prepare("DELETE FROM spilled WHERE host_hash = ?1", operation: "abandon spilled")
            begin = try connection.prepare("BEGIN", operation: "begin spill")
            commit = try connection.prepare("COMMIT", operation: "commit spill")
        }

        /// An INSERT of `rows` rows: row `r` (from 0) binds parameters `r * columns + 1` to `r * columns + columns`.
        static func insertSQL(rows: Int) -> String {
            let values = (0..<rows).map { row in
                "(" + (1...SpillQueue.columns).map { "?\(row * SpillQueue.columns + $0)" }.joined(separator: ", ") + ")"
            }
            return "INSERT INTO spilled(host_hash, rank, depth, arrival, fingerprint, url, referrer, payload, host_key) VALUES"
                + values.joined(separator: ", ")
        }
    }

    /// Rows written by one INSERT statement when the buffer has that many
    /// (the statement's start and end, and its cursor's, are paid once for them).
    static let rowsPerInsert = 16
    /// The parameters of one row of an INSERT.
    static let columns = 9

    /// The page cache SQLite keeps for the file, in KiB (part of the budget's overhead).
    static let cacheKiB = 8192

    /// The bytes of the file on disk.
    package var diskBytes: Int {
        var status = stat()
        return stat(connection.path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// The number of hosts (host hashes) with spilled URLs.
    var hostCount: Int { spilledPerHost.count }

    /// The estimated bytes of memory per host with spilled URLs (its count's
    /// place in the table, slack included; its key is on disk only).
    static let hostRecordBytes = 2 * (MemoryLayout<UInt64>.stride + MemoryLayout<Int>.stride)

    /// The 64-bit hash a host is known by (FNV-1a of its key's UTF-8 bytes).
    /// - Parameter hostKey: the host's key, `scheme://host:port`.
    public func hostHash(_ hostKey: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in hostKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash & hostHashMask
    }

    /// URLs of `hostKey` waiting on disk (with those of any host whose key
    /// has the same ``hostHash(_:)``).
    /// - Parameter hostKey: the host's key.
    public func count(forHost hostKey: String) -> Int {
        spilledPerHost[hostHash(hostKey), default: 0]
    }

    /// URLs waiting on disk of the hosts whose keys have the hash `hash`.
    /// - Parameter hash: a ``hostHash(_:)``.
    func count(forHash hash: UInt64) -> Int {
        spilledPerHost[hash, default: 0]
    }

    /// Queues `entry` for the disk (written by the next ``flush()``).
    /// - Parameter entry: the URL.
    /// - Parameter arrival: its place among URLs of equal priority and depth (lower first).
    public func append(_ entry: FrontierEntry, arrival: Int) {
        append(entry, arrival: arrival, hostHash: hostHash(entry.hostKey))
    }

    /// ``append(_:arrival:)`` for a caller that has the host's hash already.
    /// - Parameters:
    ///   - entry: the URL.
    ///   - arrival: its place among URLs of equal priority and depth (lower first).
    ///   - hostHash: the ``hostHash(_:)`` of its host key.
    func append(_ entry: FrontierEntry, arrival: Int, hostHash: UInt64) {
        buffer.append((entry, arrival, hostHash))
        spilledPerHost[hostHash, default: 0] += 1
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
            guard hasRoom(forRows: entries.count) else {
                throw StateStoreError(path: directory, operation: "spill", code: Int32(ENOSPC), message: "too little free space")
            }
            try openTransaction()
            // By index: each URL is read in place, not copied out of the buffer.
            var index = 0
            while entries.count - index >= Self.rowsPerInsert {
                for row in 0..<Self.rowsPerInsert {
                    let at = index + row
                    try bind(
                        entries[at].entry, arrival: entries[at].arrival, hostHash: entries[at].hostHash, to: statements.insertMany,
                        row: Int32(row))
                }
                try statements.insertMany.run()
                index += Self.rowsPerInsert
            }
            for at in index..<entries.count {
                try bind(entries[at].entry, arrival: entries[at].arrival, hostHash: entries[at].hostHash, to: statements.insert, row: 0)
                try statements.insert.run()
            }
            writtenCount += entries.count
            rowsSinceCommit += entries.count
            if rowsSinceCommit >= Self.rowsPerTransaction { try commitTransaction() }
            return []
        } catch {
            if isInTransaction { try? connection.execute("ROLLBACK", operation: "rollback spill") }
            isInTransaction = false
            for (_, _, hash) in entries { forget(hash, 1) }
            return entries.map { ($0.entry, $0.arrival) }
        }
    }

    /// Whether the file system keeps ``minimumFreeBytes`` free after `rows`
    /// more rows (each counted at the 20 KiB bound; SQLite's pages and the
    /// index come on top of a row's bytes). Unknown free space counts as room.
    private func hasRoom(forRows rows: Int) -> Bool {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return true }
        let free = Int(clamping: UInt64(stats.f_bavail).multipliedReportingOverflow(by: UInt64(stats.f_frsize)).partialValue)
        return free >= minimumFreeBytes + rows * Self.rowBytesBound
    }

    /// Starts the transaction that writes and reads share, when none is open.
    ///
    /// Pages changed by many small writes and reads stay in SQLite's cache and
    /// go to the file once per ``rowsPerTransaction`` rows (or when the cache
    /// is full), not at every flush: most of the file's writes were the same
    /// pages again and again.
    private func openTransaction() throws(StateStoreError) {
        guard !isInTransaction else { return }
        try statements.begin.run()
        isInTransaction = true
    }

    private func commitTransaction() throws(StateStoreError) {
        guard isInTransaction else { return }
        isInTransaction = false
        rowsSinceCommit = 0
        try statements.commit.run()
    }

    /// Binds one URL's row to an INSERT's parameters for row `row` (from 0).
    private func bind(
        _ entry: FrontierEntry, arrival: Int, hostHash: UInt64, to insert: SQLiteStatement, row: Int32
    ) throws(StateStoreError) {
        let first = row * Int32(Self.columns)
        try insert.bind(Int64(bitPattern: hostHash), at: first + 1)
        try insert.bind(Int64(~entry.priority), at: first + 2)
        try insert.bind(Int64(entry.depth), at: first + 3)
        try insert.bind(Int64(arrival), at: first + 4)
        try insert.bind(Int64(bitPattern: entry.fingerprint), at: first + 5)
        try insert.bind(entry.url, at: first + 6)
        try insert.bind(entry.referrer, at: first + 7)
        try insert.bind(entry.payload, at: first + 8)
        try insert.bind(entry.hostKey, at: first + 9)
    }

    /// Takes back (and removes) the first `limit` URLs of `hostKey`, in
    /// order (priority, depth, arrival), with their arrival numbers (with
    /// those of any host whose key has the same ``hostHash(_:)``, each with its
    /// own host key).
    /// - Parameter hostKey: the host.
    /// - Parameter limit: the most URLs taken.
    /// - Throws: ``StateStoreError`` when the file cannot be read or changed;
    ///   the host's URLs then stay counted (until the frontier gives them up).
    public func take(host hostKey: String, limit: Int) throws(StateStoreError) -> [(entry: FrontierEntry, arrival: Int)] {
        try take(hash: hostHash(hostKey), limit: limit)
    }

    /// Takes back (and removes) the first `limit` URLs of the hosts whose
    /// keys hash to `hash`, in order (priority, depth, arrival), with their
    /// arrival numbers; each URL has its own host key. URLs appended and not
    /// yet written are written first; if that fails they are what is
    /// returned, so the caller keeps them in memory.
    /// - Parameter hash: a ``hostHash(_:)``.
    /// - Parameter limit: the most URLs taken.
    /// - Throws: ``StateStoreError`` when the file cannot be read or changed;
    ///   the URLs then stay counted (until the frontier gives them up).
    func take(hash: UInt64, limit: Int) throws(StateStoreError) -> [(entry: FrontierEntry, arrival: Int)] {
        guard limit > 0, spilledPerHost[hash] != nil else { return [] }
        // URLs that cannot be written come back at once (kept in memory rather than lost).
        let failed = flush()
        guard failed.isEmpty else { return failed }
        if injectedReadFailures > 0 {
            injectedReadFailures -= 1
            throw StateStoreError(path: connection.path, operation: "read spilled", code: 11, message: "injected read failure")
        }
        var taken: [(entry: FrontierEntry, arrival: Int)] = []
        var last: (rank: Int64, depth: Int64, arrival: Int64) = (0, 0, 0)
        let select = statements.selectHost
        try select.bind(Int64(bitPattern: hash), at: 1)
        try select.bind(Int64(limit), at: 2)
        try select.forEachRow { row in
            last = (row.int64(at: 0), row.int64(at: 1), row.int64(at: 2))
            let entry = FrontierEntry(
                url: row.string(at: 4) ?? "", fingerprint: UInt64(bitPattern: row.int64(at: 3)), hostKey: row.string(at: 7) ?? "",
                depth: Int(last.depth), priority: ~Int(last.rank), referrer: row.string(at: 5), payload: row.bytes(at: 6))
            taken.append((entry, Int(last.arrival)))
        }
        guard !taken.isEmpty else {
            forget(hash, spilledPerHost[hash, default: 0])
            return []
        }
        try openTransaction()
        let delete = statements.deleteHead
        try delete.bind(Int64(bitPattern: hash), at: 1)
        try delete.bind(last.rank, at: 2)
        try delete.bind(last.depth, at: 3)
        try delete.bind(last.arrival, at: 4)
        try delete.run()
        forget(hash, taken.count)
        return taken
    }

    /// Gives up the URLs still on disk of the hosts whose keys hash to `hash`
    /// (after they could not be read back): they are no longer counted, and
    /// their rows are removed when that is possible.
    /// - Parameter hash: a ``hostHash(_:)``.
    /// - Returns: how many URLs were given up.
    func abandon(hash: UInt64) -> Int {
        let number = spilledPerHost[hash, default: 0]
        guard number > 0 else { return 0 }
        let delete = statements.deleteHost
        if (try? delete.bind(Int64(bitPattern: hash), at: 1)) != nil { try? delete.run() }
        forget(hash, number)
        return number
    }

    private func forget(_ hash: UInt64, _ number: Int) {
        let left = spilledPerHost[hash, default: 0] - number
        spilledPerHost[hash] = left > 0 ? left : nil
        count -= number
    }
}
