extension CrawlStateStore {
    /// What the last visit of the page with this fingerprint recorded for a
    /// recrawl (committed records only), or `nil` for a page never recorded.
    /// Read through a connection of its own, so it does not wait for a commit.
    public func revisit(for fingerprint: UInt64) throws(StateStoreError) -> PageRevisit? {
        try revisitReader.withLock { (reader: inout RevisitTable?) throws(StateStoreError) -> PageRevisit? in
            guard let reader else { throw StateStoreError(path: path, operation: "read revisit", code: -1, message: "the store is closed") }
            return try reader.read(fingerprint)
        }
    }

    /// The number of pages a recrawl knows.
    public func revisitCount() throws(StateStoreError) -> Int {
        try withDatabase(operation: "count revisits") { (database: StateDatabase) throws(StateStoreError) in
            try database.revisits.recordCount()
        }
    }

    /// Starts a new run of a finished crawl (a recrawl): commits what is
    /// pending, then empties the queue, the done URLs, the seen redirect
    /// targets and the seed hosts, keeping what each page's last visit
    /// recorded (``revisit(for:)``), and writes `metadata` in the same transaction.
    public func beginNewRun(metadata: [String: String]) throws(StateStoreError) {
        try commit()
        try withDatabase(operation: "begin a new run") { (database: StateDatabase) throws(StateStoreError) in
            try database.beginNewRun(metadata: metadata)
        }
    }
}
