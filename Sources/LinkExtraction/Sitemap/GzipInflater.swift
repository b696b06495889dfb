// Streaming gzip decoding with zlib, for compressed sitemaps.
internal import CZlib

/// Inflates a gzip stream piece by piece, handing each decoded piece to a sink
/// that may stop it (so a decompression bomb is cut at the caller's size limit
/// rather than decoded in full). Several concatenated gzip members are decoded
/// one after another; bytes after the last member are ignored.
///
/// Ownership: the instance owns its `z_stream`, allocated once in `init` at a stable
/// address (zlib keeps a pointer back to it in its internal state, so it must never
/// move, as a Swift stored property may), ended with `inflateEnd` and freed exactly
/// once, in `deinit`. Not thread-safe: use an instance from one task at a time.
package final class GzipInflater {
    /// How a call to ``inflate(_:isFinal:into:)`` ended.
    package enum Outcome: Equatable {
        /// All input was consumed; more may follow.
        case needsInput
        /// The gzip stream ended.
        case finished
        /// The sink asked to stop.
        case stopped
        /// The input is not valid gzip (corrupt, or truncated when `isFinal`).
        case corrupt
    }

    /// The gzip magic bytes.
    static let magic: [UInt8] = [0x1F, 0x8B]

    /// The zlib stream, at an address that does not change for the instance's life.
    private let stream: UnsafeMutablePointer<z_stream>
    private let initialized: Bool
    private var output = [UInt8](repeating: 0, count: 64 * 1024)
    /// Whether the input so far ended exactly where a gzip member ended.
    private var memberEnded = false

    /// Creates an inflater for gzip input (zlib window bits 15, gzip header).
    package init() {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        initialized = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    /// Where the `z_stream` lives (for tests: it never changes).
    var streamAddress: UnsafeRawPointer { UnsafeRawPointer(stream) }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decodes `input`, calling `sink` with each decoded piece; `sink` returns
    /// `false` to stop. `isFinal` says that no more input follows, so a stream
    /// that has not ended is truncated. A gzip member may end anywhere: at the
    /// end of one call's input, or of one of the pieces (`pieceSize` bytes, a
    /// parameter for tests) the input is handed to zlib in; whether another
    /// member follows is decided on the bytes after it, wherever they are.
    package func inflate(
        _ input: UnsafeRawBufferPointer, isFinal: Bool, pieceSize: Int = 1 << 20, into sink: (UnsafeRawBufferPointer) -> Bool
    ) -> Outcome {
        guard initialized else { return .corrupt }
        if memberEnded {
            // The last call ended exactly at the end of a member.
            guard let first = input.first else { return isFinal ? .finished : .needsInput }
            guard first == Self.magic[0], input.count < 2 ? !isFinal : input[1] == Self.magic[1] else { return .finished }
            guard inflateReset(stream) == Z_OK else { return .corrupt }
            memberEnded = false
        }
        guard let base = input.baseAddress, input.count > 0 else { return isFinal ? .corrupt : .needsInput }
        var offset = 0
        while offset < input.count {
            let length = min(input.count - offset, max(1, pieceSize))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(length)
            offset += length
            // Runs until this piece is consumed and zlib holds no pending output
            // (a full output buffer means there may be more).
            pump: while true {
                let (status, produced, outputFull) = output.withUnsafeMutableBytes { buffer in
                    stream.pointee.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(buffer.count)
                    let status = CZlib.inflate(stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.pointee.avail_out), stream.pointee.avail_out == 0)
                }
                if produced > 0 {
                    let keepGoing = output.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
                    if !keepGoing { return .stopped }
                }
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    // Z_BUF_ERROR: no progress was possible; more input is needed.
                    if status == Z_BUF_ERROR && produced == 0 && stream.pointee.avail_in > 0 { return .corrupt }
                    if stream.pointee.avail_in == 0 && !outputFull { break pump }
                case Z_STREAM_END:
                    // Another gzip member may follow (in this piece, a later one, or the
                    // next call); anything else is trailing junk.
                    let next = offset - Int(stream.pointee.avail_in)
                    if next == input.count {
                        if isFinal { return .finished }
                        memberEnded = true
                        return .needsInput
                    }
                    guard input[next] == Self.magic[0], next + 1 < input.count ? input[next + 1] == Self.magic[1] : !isFinal else {
                        return .finished
                    }
                    guard inflateReset(stream) == Z_OK else { return .corrupt }
                    if stream.pointee.avail_in == 0 { break pump }
                default:
                    return .corrupt
                }
            }
        }
        return isFinal ? .corrupt : .needsInput
    }
}
