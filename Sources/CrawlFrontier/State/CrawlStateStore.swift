import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a crawl's frontier in an embedded SQLite database so that a crawl
/// stopped with Ctrl-C, or killed, goes on where it stopped: done pages are not
/// fetched again and queued ones are not lost.
///
/// The ``Frontier`` records each URL it accepts; the crawler records each URL
/// it is done with, together with that page's output (``recordDone(_:redirectTarget:revisit:alongWith:)``).
/// Records are buffered in memory and written by ``commit(metadata:beforeWriting:)`` in one
/// transaction, which the crawler calls every fraction of a second, so the
/// database costs the crawl little. Each commit is a consistent cut: the
/// metadata it stores (the crawler's feed lengths) holds exactly the output of
/// the pages it marks done. A crash loses the records since the last commit;
/// on resume those pages are fetched again and the feeds are cut back to the
/// stored lengths, so every page is in the output once.
///
/// A commit that fails (a full disk, say) keeps its records for the next one:
/// nothing recorded is lost while the store stays open.
///
/// The store holds the directory's ``StateDirectoryLock`` while open: a second
/// store (in this process or another) on the same directory fails with
/// operation `lock`. The directory is created with mode 0700 and the database
/// (with its WAL files) with 0600. URLs are stored without their userinfo
/// (`user:password@`): credentials stay in memory, with the requests that use them.
///
/// Tables (WAL journal): `queued` and `done` are append-only logs (rows go to
/// the end of the B-tree rather than all over it), `seen` holds redirect
/// targets, `seed_hosts` the seeds' hosts, `metadata` key–value pairs.
/// ``load()`` folds the logs and rewrites `queued` to its live rows.
public final class CrawlStateStore: Sendable {
    /// The database file name inside a state directory.
    public static let fileName = "frontier.sqlite"

    /// The database file.
    public let path: String

    enum Record {
        case queued(FrontierEntry)
        case done(fingerprint: UInt64, hostKey: String, redirectTarget: UInt64?)
        case seedHost(String)
        case revisit(PageRevisit)
        /// An offer (`isOutcome` false) or an outcome, for `--explain` (see ``URLDecisionTable``).
        case decision(URLDecision, isOutcome: Bool)
    }

    /// Records not yet committed. The lock also orders them with the writes
    /// done in ``recordDone(_:redirectTarget:revisit:alongWith:)``.
    let pending = LockedState<[Record]>([])
    /// Fingerprints of refusals recorded lately, so a URL refused on every
    /// page of a site is written about once, in bounded memory.
    let recentRefusals = LockedState(RecentFingerprints(slotCount: 1 << 14))
    /// Whether decisions are recorded for `--explain` (see ``recordsDecisions``).
    let decisionsSwitch = LockedState(true)
    /// The database, used by one commit at a time. `nil` once closed.
    private let database: LockedState<StateDatabase?>
    /// A second connection that reads revisit records (WAL: reads do not
    /// wait for a commit in progress). `nil` once closed.
    let revisitReader: LockedState<RevisitTable?>
    /// The directory's lock, held until ``close(metadata:beforeWriting:)``.
    private let lock: StateDirectoryLock

    /// Opens (creating if needed) the store in `directory` (created if missing).
    /// - Parameter directory: the state directory (created 0700 when missing).
    /// - Parameter lock: the directory's lock, when the caller took it already
    ///   (before opening its outputs, say); `nil`: the store takes it.
    /// - Throws: ``StateStoreError`` with operation `lock` when another
    ///   process uses the directory.
    public init(directory: String, lock: StateDirectoryLock? = nil) throws(StateStoreError) {
        if let lock {
            self.lock = lock
        } else {
            self.lock = try StateDirectoryLock(directory: directory)
        }
        path = directory + (directory.hasSuffix("/") ? "" : "/") + Self.fileName
        // Created here, so SQLite's WAL and shared-memory files, which take
        // the database's mode, are private too.
        let created = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard created >= 0 else {
            throw StateStoreError(path: path, operation: "create", code: -1, message: String(cString: strerror(errno)))
        }
        _ = Glibc.close(created)
        database = LockedState(try StateDatabase(path: path))
        revisitReader = LockedState(try RevisitTable(connection: SQLiteConnection(path: path)))
    }

    /// Records a URL the frontier accepted.
    package func recordQueued(_ entry: FrontierEntry) {
        pending.withLock { $0.append(.queued(entry)) }
    }

    /// Records a seed's host (for the "same hosts as the seeds" scope).
    package func recordSeedHost(_ hostKey: String) {
        pending.withLock { $0.append(.seedHost(hostKey)) }
    }

    /// Records that a URL is done (and the redirect target its page was
    /// handled as), running `write` (the page's output) in the same step, so
    /// that no commit falls between the two.
    /// - Parameter entry: the URL done.
    /// - Parameter redirectTarget: the fingerprint of the redirect target its page was handled as, if any.
    /// - Parameter revisit: what a later recrawl needs of the page, committed with it.
    /// - Parameter write: writes the page's output (page-log line, items).
    public func recordDone<Failure: Error>(
        _ entry: FrontierEntry, redirectTarget: UInt64?, revisit: PageRevisit? = nil,
        alongWith write: () throws(Failure) -> Void
    ) throws(Failure) {
        try pending.withLock { (records: inout [Record]) throws(Failure) in
            try write()
            records.append(.done(fingerprint: entry.fingerprint, hostKey: entry.hostKey, redirectTarget: redirectTarget))
            if let revisit { records.append(.revisit(revisit)) }
        }
    }

    /// Records that a URL is done with no output of its own (refused by robots.txt, say).
    public func recordDone(_ entry: FrontierEntry) {
        pending.withLock { $0.append(.done(fingerprint: entry.fingerprint, hostKey: entry.hostKey, redirectTarget: nil)) }
    }

    /// Writes every record so far in one transaction, with `metadata()`'s
    /// key–value pairs, which is called at the cut (under the same lock as
    /// ``recordDone(_:redirectTarget:revisit:alongWith:)``). `beforeWriting` runs after
    /// the cut and before the transaction (the crawler puts its feeds on disk
    /// there, so the lengths committed never count bytes a power loss could
    /// take back); when it or the transaction fails, the records stay pending
    /// for the next commit.
    public func commit(
        metadata: () -> [String: String] = { [:] },
        beforeWriting: () throws -> Void = {}
    ) throws(StateStoreError) {
        try database.withLock { (database: inout StateDatabase?) throws(StateStoreError) in
            guard let database else { throw StateStoreError(path: path, operation: "commit", code: -1, message: "the store is closed") }
            let (records, values) = pending.withLock { records in
                defer { records.removeAll(keepingCapacity: true) }
                return (records, metadata())
            }
            let failure: StateStoreError?
            do {
                try beforeWriting()
                do throws(StateStoreError) {
                    try database.write(records, metadata: values)
                    failure = nil
                } catch {
                    failure = error
                }
            } catch {
                failure = StateStoreError(path: path, operation: "synchronize outputs", code: -1, message: "\(error)")
            }
            if let failure {
                // Back in front of what was recorded meanwhile, in their order.
                pending.withLock { $0.insert(contentsOf: records, at: 0) }
                throw failure
            }
        }
    }

    /// Reads everything committed: queued URLs not done (first-accepted order),
    /// done URLs, other seen fingerprints, seed hosts and metadata.
    public func load() throws(StateStoreError) -> PersistedFrontierState {
        try database.withLock { (database: inout StateDatabase?) throws(StateStoreError) in
            guard let database else { throw StateStoreError(path: path, operation: "load", code: -1, message: "the store is closed") }
            return try database.load()
        }
    }

    /// Runs `body` with the open database, under its lock.
    func withDatabase<Result>(operation: String, _ body: (StateDatabase) throws(StateStoreError) -> Result) throws(StateStoreError)
        -> Result
    {
        try database.withLock { (database: inout StateDatabase?) throws(StateStoreError) -> Result in
            guard let database else { throw StateStoreError(path: path, operation: operation, code: -1, message: "the store is closed") }
            return try body(database)
        }
    }

    /// Commits what is pending (with `metadata()`) and closes the database;
    /// later commits fail. Closing twice is harmless.
    /// The directory's lock is released, even when the last commit fails.
    public func close(metadata: () -> [String: String] = { [:] }, beforeWriting: () throws -> Void = {}) throws(StateStoreError) {
        let isOpen = database.withLock { $0 != nil }
        guard isOpen else { return }
        defer {
            database.withLock { $0 = nil }
            revisitReader.withLock { $0 = nil }
            lock.release()
        }
        try commit(metadata: metadata, beforeWriting: beforeWriting)
    }
}
