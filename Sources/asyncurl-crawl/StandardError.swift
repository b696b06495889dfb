import AsyncURLSupport
#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard error with `write(2)`, whole (a failure has nowhere to be reported).
enum StandardError {
    static func write(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { writeFully(STDERR_FILENO, $0) }
    }
}
