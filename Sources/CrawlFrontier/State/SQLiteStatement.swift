internal import CSQLite

/// Owns one prepared `sqlite3_stmt*`, finalized exactly once in `deinit`. It keeps its
/// connection alive, so the connection is closed only after its statements are finalized.
final class SQLiteStatement {
    private let connection: SQLiteConnection
    private let handle: OpaquePointer
    private let operation: String

    /// SQLite's "copy the bytes now" destructor marker (the documented value -1).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(connection: SQLiteConnection, sql: String, operation: String) throws(StateStoreError) {
        var pointer: OpaquePointer?
        let code = sqlite3_prepare_v2(connection.handle, sql, -1, &pointer, nil)
        guard code == SQLITE_OK, let pointer else {
            throw connection.error("prepare " + operation, code: code)
        }
        self.connection = connection
        self.handle = pointer
        self.operation = operation
    }

    deinit {
        sqlite3_finalize(handle)
    }

    func bind(_ value: Int64, at index: Int32) throws(StateStoreError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ value: String?, at index: Int32) throws(StateStoreError) {
        guard let value else {
            try check(sqlite3_bind_null(handle, index))
            return
        }
        // Its UTF-8 bytes in place (no C string copied), with their length; SQLite copies them.
        // (An empty buffer may have no address, which would bind NULL: "" is bound as a C string.)
        var text = value
        try check(
            text.withUTF8 { bytes in
                guard let start = bytes.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, Self.transient) }
                return sqlite3_bind_text(handle, index, start, Int32(bytes.count), Self.transient)
            })
    }

    /// Runs a statement that returns no rows, then resets it for reuse.
    func run() throws(StateStoreError) {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw connection.error(operation, code: code) }
    }

    /// Steps through all result rows, calling `body` with this statement positioned on each row.
    func forEachRow(_ body: (SQLiteStatement) -> Void) throws(StateStoreError) {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw connection.error(operation, code: code) }
            body(self)
        }
    }

    func bind(_ value: [UInt8]?, at index: Int32) throws(StateStoreError) {
        guard let value else {
            try check(sqlite3_bind_null(handle, index))
            return
        }
        try check(value.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) })
    }

    func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func bytes(at column: Int32) -> [UInt8]? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let blob = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: blob, count: count))
    }

    func string(at column: Int32) -> String? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL, let text = sqlite3_column_text(handle, column) else {
            return nil
        }
        return String(cString: text)
    }

    private func check(_ code: Int32) throws(StateStoreError) {
        guard code == SQLITE_OK else { throw connection.error("bind " + operation, code: code) }
    }
}
