import AsyncURLSupport
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that writes one line per message to a file descriptor
/// (standard error by default) with `write(2)`, made safe for a terminal:
/// control characters (ESC among them) are removed from the message and the
/// metadata, which often carry a server's text, and URLs lose their userinfo
/// (`user:password@`).
///
/// `asyncurl-crawl` bootstraps swift-log with it at the level of `--log-level`;
/// a program using the library may do the same:
///
///     LoggingSystem.bootstrap { SanitizingLogHandler(label: $0, level: .warning) }
public struct SanitizingLogHandler: LogHandler {
    /// The logger's label, written on every line.
    public let label: String
    /// The least severe level written.
    public var logLevel: Logger.Level
    /// Metadata written with every message.
    public var metadata: Logger.Metadata = [:]
    private let descriptor: Int32

    /// Creates a handler writing to `descriptor` (standard error by default).
    public init(label: String, level: Logger.Level = .info, descriptor: Int32 = STDERR_FILENO) {
        self.label = label
        self.logLevel = level
        self.descriptor = descriptor
    }

    /// One metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes `TIME LEVEL label: message key=value ...` as one line.
    public func log(event: LogEvent) {
        var line = Self.timestamp() + " " + event.level.rawValue + " " + Self.clean(label) + ": " + Self.clean(event.message.description)
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in all.keys.sorted() {
            line += " " + Self.clean(key) + "=" + Self.clean(all[key].map { "\($0)" } ?? "")
        }
        _ = Array((line + "\n").utf8).withUnsafeBytes { writeFully(descriptor, $0) }
    }

    /// Text without control characters or credentials.
    static func clean(_ text: String) -> String {
        text.removingControlCharacters().removingURLCredentials()
    }

    /// The time in UTC, to the second (ISO 8601).
    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
