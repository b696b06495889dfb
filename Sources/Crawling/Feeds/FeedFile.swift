import AsyncURLSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// An append-only output file (or standard output) written one whole record at a time.
///
/// Each record goes to the kernel with `write(2)` as soon as it is added, so a
/// crawl that is killed, even with `SIGKILL`, leaves only whole lines behind.
/// A file it creates is readable and writable by its owner only (0600): a
/// feed may hold what a site shows only to the crawl's credentials.
/// Owns its file descriptor and closes it exactly once.
final class FeedFile {
    let path: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var isClosed = false
    /// Bytes in the file (for standard output: bytes written by this process).
    private(set) var length = 0

    /// Opens `path` for writing (truncating it, or appending when `append` is
    /// set), or standard output when `path` is `-`.
    init(path: String, append: Bool = false) throws(FeedError) {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            ownsDescriptor = false
            return
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let opened = open(path, flags, 0o600)
        guard opened >= 0 else {
            let code = errno
            throw FeedError(path: path, message: String(cString: strerror(code)), errorNumber: code)
        }
        descriptor = opened
        ownsDescriptor = true
        Self.synchronizeDirectory(of: path)
        if append {
            let end = lseek(opened, 0, SEEK_END)
            length = end > 0 ? Int(end) : 0
        }
    }

    deinit {
        close()
    }

    /// Writes every byte of `record`, retrying short writes and interruptions.
    func write(_ record: [UInt8]) throws(FeedError) {
        guard !isClosed else { throw FeedError(path: path, message: "write after close") }
        let failure = record.withUnsafeBytes { writeFully(descriptor, $0) }
        guard failure == 0 else { throw FeedError(path: path, message: String(cString: strerror(failure)), errorNumber: failure) }
        length += record.count
    }

    /// Cuts the file back to its first `newLength` bytes (no-op when it is not
    /// longer, or for standard output).
    func truncate(to newLength: Int) throws(FeedError) {
        guard ownsDescriptor, !isClosed, newLength < length else { return }
        guard ftruncate(descriptor, off_t(newLength)) == 0 else {
            throw FeedError(path: path, message: "cannot cut back to \(newLength) bytes: " + String(cString: strerror(errno)))
        }
        length = newLength
    }

    /// The first line of the file (without its line break), read with `pread`; at most `limit` bytes.
    func firstLine(limit: Int = 1 << 16) -> [UInt8] {
        guard ownsDescriptor, !isClosed, length > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: min(limit, length))
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return [] }
        let bytes = buffer.prefix(count)
        return Array(bytes.prefix { $0 != 0x0A && $0 != 0x0D })
    }

    /// Asks the kernel to put the data on disk with `fsync` (no-op for standard output).
    func synchronize() throws(FeedError) {
        guard ownsDescriptor, !isClosed else { return }
        try Self.synchronize(descriptor, path: path)
    }

    /// A second descriptor of the file (`dup`), for an `fsync` made without
    /// holding up writers; the caller closes it. `nil` for standard output or once closed.
    func duplicateDescriptor() -> Int32? {
        guard ownsDescriptor, !isClosed else { return nil }
        let duplicate = dup(descriptor)
        return duplicate >= 0 ? duplicate : nil
    }

    /// `fsync` of the directory holding `path`, so a file just created keeps
    /// its name after a power loss (best effort: a failure changes nothing written).
    private static func synchronizeDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let opened = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard opened >= 0 else { return }
        _ = fsync(opened)
        _ = Glibc.close(opened)
    }

    /// `fsync` of `descriptor`, a failure as a ``FeedError`` naming `path`.
    static func synchronize(_ descriptor: Int32, path: String) throws(FeedError) {
        guard fsync(descriptor) == 0 else {
            let code = errno
            throw FeedError(path: path, message: "cannot synchronize: " + String(cString: strerror(code)), errorNumber: code)
        }
    }

    /// Closes the file; later writes fail. Safe to call more than once.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        if ownsDescriptor { _ = Glibc.close(descriptor) }
    }
}
