internal import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Owns one `sqlite3*` connection; closed exactly once, in `deinit` (with `sqlite3_close_v2`,
/// which defers the close until every statement of the connection is finalized).
///
/// Not `Sendable`: it is used only under the lock of the ``CrawlStateStore`` that owns it.
final class SQLiteConnection {
    let path: String
    let handle: OpaquePointer

    init(path: String) throws(StateStoreError) {
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &pointer, flags, nil)
        guard code == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let pointer { sqlite3_close_v2(pointer) }
            throw StateStoreError(path: path, operation: "open", code: code, message: message)
        }
        self.path = path
        self.handle = pointer
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements without results.
    func execute(_ sql: String, operation: String) throws(StateStoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw StateStoreError(path: path, operation: operation, code: code, message: message)
        }
    }

    /// Runs `body` between the prepared `begin` and `commit` statements; rolls back when it throws.
    func transaction(begin: SQLiteStatement, commit: SQLiteStatement, _ body: () throws(StateStoreError) -> Void) throws(StateStoreError) {
        try begin.run()
        do {
            try body()
            try commit.run()
        } catch {
            try? execute("ROLLBACK", operation: "rollback")
            throw error
        }
    }

    /// Compiles a statement.
    func prepare(_ sql: String, operation: String) throws(StateStoreError) -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql, operation: operation)
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ operation: String, code: Int32) -> StateStoreError {
        StateStoreError(path: path, operation: operation, code: code, message: lastErrorMessage)
    }
}
