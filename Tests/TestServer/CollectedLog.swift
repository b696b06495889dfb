import AsyncURLSupport
import Logging

/// A log that keeps its messages, for tests that check what a crawl or a renderer says.
public final class CollectedLog: Sendable {
    private let messages = LockedState<[(message: String, metadata: String)]>([])

    /// An empty log.
    public init() {}

    /// A logger whose messages (notice and above by default) end up in ``lines``.
    public func logger(level: Logger.Level = .notice) -> Logger {
        var logger = Logger(label: "test") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    /// The messages logged so far, in order.
    public var lines: [String] { messages.withLock { $0.map(\.message) } }

    /// The messages with their metadata (`key=value`, sorted by key), in order.
    public var linesWithMetadata: [String] { messages.withLock { $0.map { "\($0.message) \($0.metadata)" } } }

    fileprivate func append(_ message: String, metadata: Logger.Metadata?) {
        let fields = (metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        messages.withLock { $0.append((message, fields)) }
    }

    private struct Handler: LogHandler {
        let log: CollectedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String,
            line: UInt
        ) {
            log.append(message.description, metadata: metadata)
        }
    }
}
