#if canImport(Glibc)
    import Glibc
#endif

/// Reads the decisions a resumable crawl recorded (see ``URLDecision``),
/// from its state directory, while the crawl runs or after it: a reader of
/// the database, which takes no lock on the directory.
package final class URLDecisionLog {
    private let connection: SQLiteConnection
    private let table: URLDecisionTable

    /// Opens the state database in `directory`.
    /// - Parameter directory: a crawl's `--state` directory.
    /// - Throws: `StateStoreError` (operation `open`) when the directory holds no crawl state.
    public init(directory: String) throws(StateStoreError) {
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + CrawlStateStore.fileName
        guard access(path, R_OK) == 0 else {
            throw StateStoreError(path: path, operation: "open", code: -1, message: "no crawl state here (no \(CrawlStateStore.fileName))")
        }
        connection = try SQLiteConnection(path: path)
        table = try URLDecisionTable(connection: connection)
    }

    /// The decision about the URL whose fingerprint is `fingerprint`, if the crawl recorded one.
    /// - Parameter fingerprint: the URL's canonical fingerprint.
    /// - Throws: `StateStoreError` when the database cannot be read.
    public func decision(for fingerprint: UInt64) throws(StateStoreError) -> URLDecision? {
        try table.decision(for: fingerprint)
    }
}
