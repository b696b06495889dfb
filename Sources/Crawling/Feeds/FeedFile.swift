import Archiving
import AsyncURLSupport
import LinkExtraction

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
/// A compressed file (``isCompressed``) holds each record as a gzip member of
/// its own (as `.warc.gz` files do), so it too can be cut back at any record
/// and read by any gzip reader.
/// A file it creates is readable and writable by its owner only (0600): a
/// feed may hold what a site shows only to the crawl's credentials.
/// Owns its file descriptor and closes it exactly once.
final class FeedFile {
    let path: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var isClosed = false
    /// Compresses records, for a compressed file.
    private let gzip: GzipMemberWriter?
    /// Whether the file can be cut back and read (a regular file, not a pipe or terminal).
    let isSeekable: Bool
    /// Bytes in the file (for standard output: bytes written by this process).
    private(set) var length = 0

    /// Opens `path` for writing (truncating it, or appending when `append` is
    /// set), or standard output when `path` is `-`; `compressed`: records are
    /// written as gzip members.
    init(path: String, append: Bool = false, compressed: Bool = false) throws(FeedError) {
        self.path = path
        if compressed {
            let writer = GzipMemberWriter()
            guard writer.isUsable else { throw FeedError(path: path, message: "cannot set up zlib") }
            gzip = writer
        } else {
            gzip = nil
        }
        if path == "-" {
            descriptor = STDOUT_FILENO
            ownsDescriptor = false
            isSeekable = false
            return
        }
        // Always O_APPEND: after `truncate(to:)` the next write goes to the
        // new end, not to the old offset (which would leave a hole of zeros).
        let flags = O_CREAT | O_CLOEXEC | O_APPEND | (append ? 0 : O_TRUNC)
        // Read and write, so a resumed feed's header and a document's end can
        // be read back; write only where reading is refused (a write-only device).
        var opened = open(path, O_RDWR | flags, 0o600)
        if opened < 0, errno == EACCES || errno == EPERM { opened = open(path, O_WRONLY | flags, 0o600) }
        guard opened >= 0 else {
            let code = errno
            throw FeedError(path: path, message: String(cString: strerror(code)), errorNumber: code)
        }
        descriptor = opened
        ownsDescriptor = true
        var status = stat()
        isSeekable = fstat(opened, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        Self.synchronizeDirectory(of: path)
        if append {
            let end = lseek(opened, 0, SEEK_END)
            length = end > 0 ? Int(end) : 0
        }
    }

    deinit {
        close()
    }

    /// Whether records are written as gzip members.
    var isCompressed: Bool { gzip != nil }

    /// `bytes` as they go to the file: a gzip member of their own when the
    /// file is compressed (empty for no bytes), else as they are.
    func encoded(_ bytes: [UInt8]) throws(FeedError) -> [UInt8] {
        guard let gzip, !bytes.isEmpty else { return bytes }
        var member: [UInt8] = []
        let compressed = bytes.withUnsafeBytes { input in
            gzip.compress(input, finish: true) { output in
                member.append(contentsOf: output)
                return true
            }
        }
        guard compressed else { throw FeedError(path: path, message: "cannot compress a record") }
        return member
    }

    /// Writes every byte of `record` (as ``encoded(_:)`` made it), retrying short writes and interruptions.
    func write(_ record: [UInt8]) throws(FeedError) {
        guard !isClosed else { throw FeedError(path: path, message: "write after close") }
        let failure = record.withUnsafeBytes { writeFully(descriptor, $0) }
        guard failure == 0 else { throw FeedError(path: path, message: String(cString: strerror(failure)), errorNumber: failure) }
        length += record.count
    }

    /// Cuts the file back to its first `newLength` bytes (no-op when it is not
    /// longer, or for standard output).
    func truncate(to newLength: Int) throws(FeedError) {
        guard isSeekable, !isClosed, newLength < length else { return }
        guard ftruncate(descriptor, off_t(newLength)) == 0 else {
            throw FeedError(path: path, message: "cannot cut back to \(newLength) bytes: " + String(cString: strerror(errno)))
        }
        length = newLength
    }

    /// The first line of the file (without its line break), decompressed for
    /// a compressed file; at most `limit` bytes, read with `pread`.
    func firstLine(limit: Int = 1 << 16) -> [UInt8] {
        var bytes = read(at: 0, count: min(limit, length))
        if isCompressed {
            var decoded: [UInt8] = []
            _ = bytes.withUnsafeBytes { input in
                GzipInflater().inflate(input, isFinal: false) { piece in
                    decoded.append(contentsOf: piece.prefix(limit - decoded.count))
                    return decoded.count < limit && !piece.contains(0x0A)
                }
            }
            bytes = decoded
        }
        return Array(bytes.prefix { $0 != 0x0A && $0 != 0x0D })
    }

    /// The file's last `count` bytes (fewer when it is shorter; none for standard output or a pipe).
    func tail(_ count: Int) -> [UInt8] {
        read(at: max(0, length - count), count: min(count, length))
    }

    /// Up to `count` bytes from `offset`, read with `pread` (none when the file cannot be read back).
    private func read(at offset: Int, count: Int) -> [UInt8] {
        guard isSeekable, !isClosed, count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        return got > 0 ? Array(buffer.prefix(got)) : []
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
