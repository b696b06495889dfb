import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One open WARC file: records appended whole (each its own gzip member when
/// compressed), with the offset and length of each kept for the CDXJ index.
///
/// Owns its file descriptor and closes it exactly once. Not thread-safe:
/// ``WARCArchive`` serialises access.
final class WARCFile {
    let path: String
    let name: String
    private let descriptor: Int32
    private let gzip: GzipMemberWriter?
    private var isClosed = false
    /// Bytes written so far.
    private(set) var length = 0
    /// Index lines (`SURT TIMESTAMP JSON`), sorted and written at close when an index is kept.
    private var indexLines: [String]?
    private let indexPath: String

    init(path: String, name: String, compressed: Bool, indexPath: String?) throws(WARCError) {
        self.path = path
        self.name = name
        self.indexPath = indexPath ?? ""
        indexLines = indexPath == nil ? nil : []
        // Archives hold what the crawl fetched: readable by their owner only.
        let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard opened >= 0 else { throw WARCError(path: path, message: String(cString: strerror(errno))) }
        descriptor = opened
        if compressed {
            let writer = GzipMemberWriter()
            guard writer.isUsable else {
                Glibc.close(opened)
                throw WARCError(path: path, message: "zlib could not be initialised")
            }
            gzip = writer
        } else {
            gzip = nil
        }
    }

    deinit {
        if !isClosed { Glibc.close(descriptor) }
    }

    /// Appends a record; returns its offset and length in the file.
    @discardableResult
    func append(_ record: WARCRecord) throws(WARCError) -> (offset: Int, length: Int) {
        guard !isClosed else { throw WARCError(path: path, message: "write after close") }
        let offset = length
        var failure: WARCError?
        let write = { (bytes: UnsafeRawBufferPointer, finish: Bool) -> Bool in
            do throws(WARCError) { try self.write(bytes, finish: finish) } catch { failure = error }
            return failure == nil
        }
        for piece in [try record.header()] + record.block where failure == nil {
            _ = piece.withUnsafeBytes { write($0, false) }
        }
        if failure == nil, let spool = record.spooledTail {
            try spool.forEachPiece { write($0, false) }
        }
        if failure == nil { _ = Array("\r\n\r\n".utf8).withUnsafeBytes { write($0, true) } }
        if let failure { throw failure }
        return (offset, length - offset)
    }

    /// Writes bytes of the current record (through its gzip member when
    /// compressed); `finish` ends the record.
    private func write(_ bytes: UnsafeRawBufferPointer, finish: Bool) throws(WARCError) {
        guard let gzip else {
            let failure = writeFully(descriptor, bytes)
            guard failure == 0 else { throw WARCError(path: path, message: String(cString: strerror(failure))) }
            length += bytes.count
            return
        }
        var failure: Int32 = 0
        let ok = gzip.compress(bytes, finish: finish) { compressed in
            failure = writeFully(descriptor, compressed)
            if failure == 0 { length += compressed.count }
            return failure == 0
        }
        guard ok else {
            throw WARCError(path: path, message: failure == 0 ? "gzip compression failed" : String(cString: strerror(failure)))
        }
    }

    /// Adds a line to the CDXJ index (no-op without one).
    func index(_ line: String) {
        indexLines?.append(line)
    }

    /// Closes the file, after writing its index (sorted, as pywb reads it).
    func close() throws(WARCError) {
        guard !isClosed else { return }
        isClosed = true
        _ = fsync(descriptor)
        Glibc.close(descriptor)
        guard let indexLines else { return }
        let text = indexLines.sorted().map { $0 + "\n" }.joined()
        let opened = open(indexPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard opened >= 0 else { throw WARCError(path: indexPath, message: String(cString: strerror(errno))) }
        defer { Glibc.close(opened) }
        let failure = Array(text.utf8).withUnsafeBytes { writeFully(opened, $0) }
        guard failure == 0 else { throw WARCError(path: indexPath, message: String(cString: strerror(failure))) }
    }
}
