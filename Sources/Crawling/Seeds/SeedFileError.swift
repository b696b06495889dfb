#if canImport(Glibc)
    import Glibc
#endif

/// Why a file of seed URLs (``SeedFile``) could not be read.
public enum SeedFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened, or a copy of a pipe could not be made (`errno`).
    case cannotOpen(path: String, code: Int32)
    /// Reading failed (`errno`).
    case readFailed(path: String, code: Int32)
    /// A line is longer than ``SeedFile/maxLineLength``: no URL is, so the file is not a seed list.
    case lineTooLong(path: String, line: Int)

    /// The error, with the file and the cause.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let code): "cannot open \(path): \(String(cString: strerror(code)))"
        case .readFailed(let path, let code): "cannot read \(path): \(String(cString: strerror(code)))"
        case .lineTooLong(let path, let line):
            "\(path), line \(line): longer than \(SeedFile.maxLineLength) bytes (one URL per line is expected)"
        }
    }
}
