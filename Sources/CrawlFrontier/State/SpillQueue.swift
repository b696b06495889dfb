/// Where a resumable crawl's frontier keeps the URLs its queue bounds leave
/// out of memory: an SQLite file beside the state database, read back host by
/// host as the queue drains.
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
    private let deleteUpTo: SQLiteStatement
    private let begin: SQLiteStatement
    private let commit: SQLiteStatement
    /// URLs spilled and not yet taken back, per host.
    private var spilledPerHost: [String: Int] = [:]
    /// URLs spilled and not yet taken back.
    public private(set) var count = 0

    /// Opens (and empties) the spill file in `directory`, which must exist.
    public init(directory: String) throws(StateStoreError) {
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + Self.fileName
        connection = try SQLiteConnection(path: path)
        try connection.execute(
            """
            PRAGMA journal_mode=OFF;
            PRAGMA synchronous=OFF;
            DROP TABLE IF EXISTS spilled;
            CREATE TABLE spilled(sequence INTEGER PRIMARY KEY, \(FrontierEntryRow.columnDefinitions));
            CREATE INDEX spilled_host ON spilled(host_key, sequence);
            """,
            operation: "create spill table")
        insert = try connection.prepare(FrontierEntryRow.insert(into: "spilled"), operation: "spill")
        selectHost = try connection.prepare(
            "SELECT \(FrontierEntryRow.columnNames), sequence FROM spilled WHERE host_key = ?1 ORDER BY sequence LIMIT ?2",
            operation: "read spilled")
        deleteUpTo = try connection.prepare("DELETE FROM spilled WHERE host_key = ?1 AND sequence <= ?2", operation: "delete spilled")
        begin = try connection.prepare("BEGIN", operation: "begin spill")
        commit = try connection.prepare("COMMIT", operation: "commit spill")
    }

    /// The hosts with spilled URLs.
    public var hosts: Dictionary<String, Int>.Keys { spilledPerHost.keys }

    /// URLs of `hostKey` waiting on disk.
    public func count(forHost hostKey: String) -> Int {
        spilledPerHost[hostKey, default: 0]
    }

    /// Writes `entries` to disk, in one transaction.
    public func append(_ entries: [FrontierEntry]) throws(StateStoreError) {
        guard !entries.isEmpty else { return }
        try connection.transaction(begin: begin, commit: commit) { () throws(StateStoreError) in
            for entry in entries {
                try insert.bind(entry)
                try insert.run()
            }
        }
        for entry in entries { spilledPerHost[entry.hostKey, default: 0] += 1 }
        count += entries.count
    }

    /// Takes back (and removes) the oldest `limit` URLs of `hostKey`.
    public func take(host hostKey: String, limit: Int) throws(StateStoreError) -> [FrontierEntry] {
        guard limit > 0, spilledPerHost[hostKey] != nil else { return [] }
        var taken: [FrontierEntry] = []
        var lastSequence: Int64 = 0
        try selectHost.bind(hostKey, at: 1)
        try selectHost.bind(Int64(limit), at: 2)
        try selectHost.forEachRow { row in
            taken.append(row.entry)
            lastSequence = row.int64(at: 7)
        }
        guard !taken.isEmpty else {
            count -= spilledPerHost.removeValue(forKey: hostKey) ?? 0
            return []
        }
        try deleteUpTo.bind(hostKey, at: 1)
        try deleteUpTo.bind(lastSequence, at: 2)
        try deleteUpTo.run()
        let left = spilledPerHost[hostKey, default: 0] - taken.count
        spilledPerHost[hostKey] = left > 0 ? left : nil
        count -= taken.count
        return taken
    }
}
