/// A failure of the SQLite state store, with the database path, the operation and SQLite's message.
public struct StateStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database file.
    public let path: String
    /// What the store was doing (e.g. "open", "prepare insert queued", "commit").
    public let operation: String
    /// SQLite's result code (or -1 for errors outside SQLite, such as creating the directory).
    public let code: Int32
    /// SQLite's (or the system's) message.
    public let message: String

    /// Creates an error.
    public init(path: String, operation: String, code: Int32, message: String) {
        self.path = path
        self.operation = operation
        self.code = code
        self.message = message
    }

    /// A readable summary.
    public var description: String {
        "state store \(path): \(operation) failed (\(code)): \(message)"
    }
}
