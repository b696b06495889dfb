public import AsyncURL
import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Spools the body of one fetch to a temporary file while it downloads, and
/// hashes it on the way, so a ``WARCArchive`` can write a large response in
/// bounded memory.
///
/// Give it to the fetch as `Request.bodyConsumer` (the request must also set
/// `Request.capturesExchange`), then pass it to
/// ``WARCArchive/archive(_:spool:previous:)`` after the fetch returned: the
/// record's header is written, then the spooled block is copied into the
/// archive in 64 KiB pieces. The spool holds at most what the fetch accepts
/// (`Request.maxBodySize`, or the client's limit); memory use does not grow
/// with the body.
///
/// The temporary file is made in `directory` (the archive's, so the copy stays
/// on one file system) with no name (`O_TMPFILE`, else unlinked at once:
/// nothing is left behind if the process dies), and closed exactly once, when
/// the spool is released.
///
/// The fetch core calls ``responseStarted(url:status:headers:)`` and
/// ``consume(_:)`` on its event-loop thread, for one transfer at a time, and
/// the fetch returns only after the last call, so the state below is never
/// touched by two threads at once (hence `@unchecked Sendable`). The writes
/// to the spool file happen on that thread: they go to the page cache, as
/// libcurl's own downloads to a file do, and the body is not copied anywhere else.
public final class WARCBodySpool: ResponseBodyConsumer, @unchecked Sendable {
    private let directory: String
    private let keepsBody: @Sendable (HTTPHeaders) -> Bool
    private var descriptor: Int32 = -1
    private var digest = SHA1Digest()
    private var finishedDigest: [UInt8]?
    private var keeps = true
    private var failure: WARCError?
    /// Bytes of the body spooled so far.
    public private(set) var length = 0
    /// Whether the final response's body reached the spool (its headers arrived).
    public private(set) var isStarted = false

    /// Creates a spool writing to a temporary file in `directory`.
    /// - Parameters:
    ///   - directory: where the temporary file is made; use the archive's directory
    ///     (``WARCSettings/directory``).
    ///   - keepsBodyInResponse: told the final response's headers, whether the
    ///     body is also kept in `Response.body` (for a reader other than the
    ///     archive); the spool alone holds it when this returns `false`.
    public init(directory: String, keepsBodyInResponse: @escaping @Sendable (HTTPHeaders) -> Bool = { _ in true }) {
        self.directory = directory
        self.keepsBody = keepsBodyInResponse
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Called by the fetch core when the final response's headers arrived: starts an empty spool file.
    public func responseStarted(url: String, status: Int, headers: HTTPHeaders) {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        digest = SHA1Digest()
        finishedDigest = nil
        length = 0
        failure = nil
        isStarted = true
        keeps = keepsBody(headers)
        do {
            descriptor = try AnonymousFile.create(in: directory, prefix: ".asyncurl-spool")
        } catch {
            failure = WARCError(path: directory, message: "cannot make a spool file: \(String(cString: strerror(error.code)))")
        }
    }

    /// Called by the fetch core with each decoded chunk: appends it to the spool file and the digest.
    public func consume(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil, descriptor >= 0 else { return }
        digest.update(chunk)
        length += chunk.count
        let error = writeFully(descriptor, chunk)
        if error != 0 { failure = WARCError(path: directory, message: "cannot write the spool file: \(String(cString: strerror(error)))") }
    }

    /// Whether the fetch core also keeps the body in `Response.body`.
    public var keepsBodyInResponse: Bool { keeps }

    /// The SHA-1 digest of the spooled body (20 bytes), or `nil` when no final
    /// response reached the spool. Shared with readers that need the body's
    /// digest (a recrawl's change detection), so the body is hashed once.
    public var payloadDigest: [UInt8]? {
        guard isStarted else { return nil }
        if let finishedDigest { return finishedDigest }
        let value = digest.finish()
        finishedDigest = value
        return value
    }

    /// Reads the spooled body from the start in pieces of at most 64 KiB,
    /// handing each to `body` (which returns `false` to stop).
    /// - Throws: ``WARCError`` when the spool could not be written or read.
    func forEachPiece(_ body: (UnsafeRawBufferPointer) -> Bool) throws(WARCError) {
        if let failure { throw failure }
        guard descriptor >= 0, length > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = 0
        while offset < length {
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, min($0.count, length - offset), off_t(offset)) }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { throw WARCError(path: directory, message: "cannot read the spool file back at byte \(offset)") }
            let goOn = buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0.prefix(read))) }
            guard goOn else { return }
            offset += read
        }
    }
}
