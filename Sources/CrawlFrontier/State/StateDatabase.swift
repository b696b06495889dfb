import AsyncURLSupport

/// The SQLite side of a ``CrawlStateStore``: the schema, its prepared
/// statements, one transaction per commit, and loading.
///
/// Not `Sendable`: used only under the store's lock.
final class StateDatabase {
    private let connection: SQLiteConnection
    private let insertQueued: SQLiteStatement
    private let insertDone: SQLiteStatement
    private let insertSeen: SQLiteStatement
    private let insertSeedHost: SQLiteStatement
    private let upsertMetadata: SQLiteStatement
    private let begin: SQLiteStatement
    private let commit: SQLiteStatement
    /// What a recrawl needs of each page (see ``PageRevisit``).
    let revisits: RevisitTable
    /// Why each offered URL was, or was not, fetched (see ``URLDecisionTable``).
    let decisions: URLDecisionTable

    init(path: String) throws(StateStoreError) {
        connection = try SQLiteConnection(path: path)
        // WAL with synchronous=NORMAL: a commit is atomic and survives the
        // process being killed; only a power loss may take back the last ones.
        try connection.execute(
            """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS queued(sequence INTEGER PRIMARY KEY, \(FrontierEntryRow.columnDefinitions));
            CREATE TABLE IF NOT EXISTS done(
                sequence INTEGER PRIMARY KEY,
                fingerprint INTEGER NOT NULL,
                host_key TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS seen(fingerprint INTEGER PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS seed_hosts(host TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS metadata(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """,
            operation: "create schema")
        insertQueued = try connection.prepare(FrontierEntryRow.insert(into: "queued"), operation: "insert queued")
        insertDone = try connection.prepare("INSERT INTO done(fingerprint, host_key) VALUES(?1, ?2)", operation: "insert done")
        insertSeen = try connection.prepare("INSERT OR IGNORE INTO seen(fingerprint) VALUES(?1)", operation: "insert seen")
        insertSeedHost = try connection.prepare("INSERT OR IGNORE INTO seed_hosts(host) VALUES(?1)", operation: "insert seed host")
        upsertMetadata = try connection.prepare(
            "INSERT INTO metadata(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            operation: "write metadata")
        begin = try connection.prepare("BEGIN IMMEDIATE", operation: "begin")
        commit = try connection.prepare("COMMIT", operation: "commit")
        revisits = try RevisitTable(connection: connection)
        decisions = try URLDecisionTable(connection: connection)
    }

    /// Writes records and metadata in one transaction (all or nothing).
    func write(_ records: [CrawlStateStore.Record], metadata: [String: String]) throws(StateStoreError) {
        guard !records.isEmpty || !metadata.isEmpty else { return }
        try transaction { () throws(StateStoreError) in
            for record in records {
                switch record {
                case .queued(let entry):
                    try insert(entry)
                case .done(let fingerprint, let hostKey, let redirectTarget):
                    try insertDone.bind(Int64(bitPattern: fingerprint), at: 1)
                    try insertDone.bind(hostKey, at: 2)
                    try insertDone.run()
                    if let redirectTarget {
                        try insertSeen.bind(Int64(bitPattern: redirectTarget), at: 1)
                        try insertSeen.run()
                    }
                case .seedHost(let host):
                    try insertSeedHost.bind(host, at: 1)
                    try insertSeedHost.run()
                case .revisit(let revisit):
                    try revisits.write(revisit)
                case .decision(let decision, let isOutcome):
                    try decisions.write(decision, isOutcome: isOutcome)
                }
            }
            for (key, value) in metadata {
                try upsertMetadata.bind(key, at: 1)
                try upsertMetadata.bind(value, at: 2)
                try upsertMetadata.run()
            }
        }
    }

    /// Reads the committed state, and compacts `queued` to its live rows when it holds dead ones.
    func load() throws(StateStoreError) -> PersistedFrontierState {
        var state = PersistedFrontierState()
        var doneFingerprints = Set<UInt64>()
        try connection.prepare("SELECT fingerprint, host_key FROM done ORDER BY sequence", operation: "load done").forEachRow { row in
            let fingerprint = UInt64(bitPattern: row.int64(at: 0))
            if doneFingerprints.insert(fingerprint).inserted {
                state.done.append(.init(fingerprint: fingerprint, hostKey: row.string(at: 1) ?? ""))
            }
        }
        var queuedFingerprints = Set<UInt64>()
        var rows = 0
        let selectQueued = try connection.prepare(
            "SELECT \(FrontierEntryRow.columnNames) FROM queued ORDER BY sequence", operation: "load queued")
        try selectQueued.forEachRow { row in
            rows += 1
            let fingerprint = UInt64(bitPattern: row.int64(at: 0))
            guard !doneFingerprints.contains(fingerprint), queuedFingerprints.insert(fingerprint).inserted else { return }
            state.queued.append(row.entry)
        }
        try connection.prepare("SELECT fingerprint FROM seen", operation: "load seen").forEachRow { row in
            state.seen.append(UInt64(bitPattern: row.int64(at: 0)))
        }
        try connection.prepare("SELECT host FROM seed_hosts", operation: "load seed hosts").forEachRow { row in
            if let host = row.string(at: 0) { state.seedHosts.append(host) }
        }
        try connection.prepare("SELECT key, value FROM metadata", operation: "load metadata").forEachRow { row in
            if let key = row.string(at: 0), let value = row.string(at: 1) { state.metadata[key] = value }
        }
        if rows > state.queued.count {
            // Done rows are in `done` already: keep only the live queue.
            try transaction { () throws(StateStoreError) in
                try connection.execute("DELETE FROM queued", operation: "compact queued")
                for entry in state.queued { try insert(entry) }
            }
        }
        return state
    }

    /// Starts a new run over a finished crawl: the queue, the done URLs, the
    /// seen redirect targets and the seed hosts are emptied (the `revisits`
    /// table stays), and `metadata` is written, all in one transaction.
    func beginNewRun(metadata: [String: String]) throws(StateStoreError) {
        try transaction { () throws(StateStoreError) in
            try connection.execute(
                "DELETE FROM queued; DELETE FROM done; DELETE FROM seen; DELETE FROM seed_hosts; DELETE FROM decisions;",
                operation: "begin a new run")
            for (key, value) in metadata {
                try upsertMetadata.bind(key, at: 1)
                try upsertMetadata.bind(value, at: 2)
                try upsertMetadata.run()
            }
        }
    }

    private func insert(_ entry: FrontierEntry) throws(StateStoreError) {
        var stored = entry
        // Credentials stay in memory: the crawler gives them back on resume.
        stored.url = entry.url.removingURLCredentials()
        stored.referrer = entry.referrer?.removingURLCredentials()
        try insertQueued.bind(stored)
        try insertQueued.run()
    }

    private func transaction(_ body: () throws(StateStoreError) -> Void) throws(StateStoreError) {
        try connection.transaction(begin: begin, commit: commit, body)
    }
}
