extension CrawlStateStore {
    /// What the last visit of the page with this fingerprint recorded for a
    /// recrawl (committed records only), or `nil` for a page never recorded.
    /// Read through a connection of its own, so it does not wait for a commit.
    public func revisit(for fingerprint: UInt64) throws(StateStoreError) -> PageRevisit? {
        try revisit(for: fingerprint, skippingLinks: { _ in false })?.revisit
    }

    /// ``revisit(for:)`` without the stored links whose fingerprint
    /// `skipsLink` picks (a recrawl leaves out the links it offered already;
    /// their URLs are not even decoded), and how many were left out. Links
    /// stored without a fingerprint, or by earlier versions, are all kept.
    /// - Parameters:
    ///   - fingerprint: the page's fingerprint.
    ///   - skipsLink: whether to leave out the stored link with this fingerprint.
    /// - Throws: ``StateStoreError`` when the database cannot be read or is closed.
    package func revisit(for fingerprint: UInt64, skippingLinks skipsLink: (UInt64) -> Bool) throws(StateStoreError) -> (
        revisit: PageRevisit, skippedLinks: Int
    )? {
        try revisitReader.withLock { (reader: inout RevisitTable?) throws(StateStoreError) -> (revisit: PageRevisit, skippedLinks: Int)? in
            guard let reader else { throw StateStoreError(path: path, operation: "read revisit", code: -1, message: "the store is closed") }
            return try reader.read(fingerprint, skippingLinks: skipsLink)
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
