/// Why a feed could not be opened or written.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    /// The file path (or `-` for standard output).
    public var path: String
    /// What went wrong.
    public var message: String
    /// The system's error number (`errno`), when a system call failed:
    /// `EPIPE` when the reader of a pipe went away, `ENOSPC` for a full disk.
    public var errorNumber: Int32?

    /// Creates an error value.
    public init(path: String, message: String, errorNumber: Int32? = nil) {
        self.path = path
        self.message = message
        self.errorNumber = errorNumber
    }

    /// `feed PATH: message` (`standard output` for `-`).
    public var description: String { "feed \(path == "-" ? "standard output" : path): \(message)" }
}
