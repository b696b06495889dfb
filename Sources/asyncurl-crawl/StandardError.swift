import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Writes to standard error with `write(2)`, whole (a failure has nowhere to be reported).
///
/// Text may carry a server's words (an error message, a host name), so it is
/// written without control characters (line feeds aside) and without URLs'
/// credentials; only ``rewriteLine(_:)`` and ``clearLine()`` send the
/// terminal's own control sequence.
enum StandardError {
    /// Writes `text`, control characters but line feeds removed, credentials redacted.
    static func write(_ text: String) {
        writeBytes(text.removingControlCharacters(keepingLineFeeds: true).removingURLCredentials())
    }

    /// Replaces the terminal's current line with `line` (made safe as by ``write(_:)``, on one line).
    static func rewriteLine(_ line: String) {
        writeBytes("\r\u{1B}[K" + line.removingControlCharacters().removingURLCredentials())
    }

    /// Clears the terminal's current line.
    static func clearLine() {
        writeBytes("\r\u{1B}[K")
    }

    private static func writeBytes(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { writeFully(STDERR_FILENO, $0) }
    }
}
