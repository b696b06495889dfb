/// A failure to write a WARC archive: the file and what went wrong.
public struct WARCError: Error, Sendable, CustomStringConvertible {
    /// The file being written.
    public var path: String
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
