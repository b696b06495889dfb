/// Why a feed could not be opened or written.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    /// The file path (or `-` for standard output).
    public var path: String
    /// What went wrong.
    public var message: String

    /// Creates an error value.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `feed PATH: message`.
    public var description: String { "feed \(path): \(message)" }
}
