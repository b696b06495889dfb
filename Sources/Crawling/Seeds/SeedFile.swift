import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A file of seed URLs, one a line (blank lines and `#` comments are
/// skipped), read a block at a time: a list of any length is read in the
/// memory of one block and one line, as many times as asked (``lines()``).
///
/// A file that cannot be read twice (a pipe, a FIFO, `/dev/stdin`) is copied
/// to a temporary file that has no name (in `TMPDIR`, else `/tmp`) when it is
/// opened, so every pass reads the same lines.
///
/// Ownership: the instance owns its descriptor and closes it once, in `deinit`.
public final class SeedFile: Sendable {
    /// The longest line read (64 KiB): no URL a crawl would fetch is longer.
    public static let maxLineLength = 64 << 10

    /// The path the file was opened at.
    public let path: String
    private let descriptor: Int32

    /// Opens the file at `path`, copying it first when it cannot be read twice.
    /// - Throws: ``SeedFileError`` when it cannot be opened or copied.
    public init(path: String) throws(SeedFileError) {
        self.path = path
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw .cannotOpen(path: path, code: errno) }
        var status = stat()
        guard fstat(opened, &status) == 0 else {
            let code = errno
            close(opened)
            throw .cannotOpen(path: path, code: code)
        }
        if (status.st_mode & S_IFMT) == S_IFREG {
            descriptor = opened
            return
        }
        defer { close(opened) }
        descriptor = try Self.copy(of: opened, path: path)
    }

    deinit {
        close(descriptor)
    }

    /// A new pass over the file's seeds, from its first line.
    public func lines() -> SeedFileLines {
        SeedFileLines(file: self)
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; the bytes read (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SeedFileError) -> Int {
        while true {
            let got = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if got >= 0 { return got }
            if errno != EINTR { throw .readFailed(path: path, code: errno) }
        }
    }

    /// Copies what `source` gives until its end into a new unnamed file; its descriptor.
    private static func copy(of source: Int32, path: String) throws(SeedFileError) -> Int32 {
        let directory = AnonymousFile.temporaryDirectory
        let target: Int32
        do {
            target = try AnonymousFile.create(in: directory, prefix: "asyncurl-seeds")
        } catch {
            throw .cannotOpen(path: directory, code: error.code)
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
            if got < 0, errno == EINTR { continue }
            if got < 0 {
                let code = errno
                close(target)
                throw .readFailed(path: path, code: code)
            }
            if got == 0 { return target }
            let code = buffer.withUnsafeBytes { writeFully(target, UnsafeRawBufferPointer(rebasing: $0[..<got])) }
            if code != 0 {
                close(target)
                throw .cannotOpen(path: directory, code: code)
            }
        }
    }
}
