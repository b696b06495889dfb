/// A ``FrontierEntry`` as the columns of a row: `fingerprint, url, host_key,
/// depth, priority, referrer, payload`, in that order (the state store's
/// `queued` table and the spill queue's `spilled` table).
enum FrontierEntryRow {
    /// The columns' definitions, for `CREATE TABLE` (after the table's own `sequence` key).
    static let columnDefinitions =
        "fingerprint INTEGER NOT NULL, url TEXT NOT NULL, host_key TEXT NOT NULL, depth INTEGER NOT NULL, "
        + "priority INTEGER NOT NULL, referrer TEXT, payload BLOB"
    /// The columns' names, in order.
    static let columnNames = "fingerprint, url, host_key, depth, priority, referrer, payload"
    /// `INSERT` of one entry into `table`, its parameters bound by ``SQLiteStatement/bind(_:)``.
    static func insert(into table: String) -> String {
        "INSERT INTO \(table)(\(columnNames)) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    }
}

extension SQLiteStatement {
    /// Binds `entry` to the parameters `?1` to `?7`.
    func bind(_ entry: FrontierEntry) throws(StateStoreError) {
        try bind(Int64(bitPattern: entry.fingerprint), at: 1)
        try bind(entry.url, at: 2)
        try bind(entry.hostKey, at: 3)
        try bind(Int64(entry.depth), at: 4)
        try bind(Int64(entry.priority), at: 5)
        try bind(entry.referrer, at: 6)
        try bind(entry.payload, at: 7)
    }

    /// The entry in columns 0 to 6 of the current row.
    var entry: FrontierEntry {
        FrontierEntry(
            url: string(at: 1) ?? "", fingerprint: UInt64(bitPattern: int64(at: 0)), hostKey: string(at: 2) ?? "",
            depth: Int(int64(at: 3)), priority: Int(int64(at: 4)), referrer: string(at: 5), payload: bytes(at: 6))
    }
}
