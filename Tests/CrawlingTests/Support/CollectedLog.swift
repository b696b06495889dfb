import AsyncURLSupport
import Logging

/// A log that keeps its messages, for tests that check what a crawl says.
final class CollectedLog: Sendable {
    private let messages = LockedState<[String]>([])

    /// A logger whose messages (notice and above by default) end up in ``lines``.
    func logger(level: Logger.Level = .notice) -> Logger {
        var logger = Logger(label: "test") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    /// The messages logged so far, in order.
    var lines: [String] { messages.withLock { $0 } }

    fileprivate func append(_ message: String) {
        messages.withLock { $0.append(message) }
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
            log.append(message.description)
        }
    }
}
