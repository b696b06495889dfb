internal import CZlib

/// Compresses one piece of output at a time into its own gzip member, as
/// `.warc.gz` files hold one member per record (so a reader can seek to any
/// record's offset and decompress it alone).
///
/// Ownership: the `z_stream` lives at an address of its own, allocated once in
/// `init` and ended and freed exactly once in `deinit`, so zlib's internal
/// back-pointer to it stays valid. Not thread-safe: one user at a time.
package final class GzipMemberWriter {
    private let stream: UnsafeMutablePointer<z_stream>
    private let initialized: Bool
    private var output = [UInt8](repeating: 0, count: 64 * 1024)

    /// Creates a writer (zlib level 6, gzip wrapper).
    package init() {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        initialized =
            deflateInit2_(
                stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if initialized { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Whether zlib could be set up.
    package var isUsable: Bool { initialized }

    /// Compresses `input` into the current member, handing compressed bytes to
    /// `sink`; `finish` ends the member (and readies the next one). Returns
    /// `false` when zlib or the sink failed.
    package func compress(_ input: UnsafeRawBufferPointer, finish: Bool, sink: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard initialized else { return false }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        let flush = finish ? Z_FINISH : Z_NO_FLUSH
        while true {
            let (status, produced) = output.withUnsafeMutableBytes { buffer -> (Int32, Int) in
                stream.pointee.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(buffer.count)
                let status = deflate(stream, flush)
                return (status, buffer.count - Int(stream.pointee.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { return false }
            if produced > 0 {
                let delivered = output.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0.prefix(produced))) }
                guard delivered else { return false }
            }
            if finish {
                if status == Z_STREAM_END { return deflateReset(stream) == Z_OK }
                if status == Z_BUF_ERROR && produced == 0 { return false }
            } else if stream.pointee.avail_in == 0 && produced < output.count {
                return true
            }
        }
    }
}
