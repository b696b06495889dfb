import CBrotli
import CZlib

/// Compresses a stream with zlib (gzip or zlib format) or brotli, chunk by chunk.
///
/// Owns its zlib stream (allocated once, at an address that never moves: zlib keeps
/// a pointer back to it) or brotli encoder and frees it exactly once in `deinit`.
public final class StreamingCompressor {
    /// The Content-Encoding produced.
    public enum Encoding: String, Sendable {
        case gzip
        case deflate
        case brotli = "br"
    }

    let encoding: Encoding
    private let zlib: UnsafeMutablePointer<z_stream>
    private var zlibReady = false
    private let brotli: OpaquePointer?

    init?(_ encoding: Encoding) {
        self.encoding = encoding
        zlib = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        zlib.initialize(to: z_stream())
        switch encoding {
        case .gzip, .deflate:
            brotli = nil
            // windowBits 15 + 16 writes a gzip wrapper; plain 15 writes the zlib format.
            let windowBits: Int32 = encoding == .gzip ? 31 : 15
            let status = deflateInit2_(
                zlib, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { return nil }
            zlibReady = true
        case .brotli:
            // Set before the check, so a failed init still runs deinit (which frees the zlib storage).
            brotli = BrotliEncoderCreateInstance(nil, nil, nil)
            guard let brotli else { return nil }
            _ = BrotliEncoderSetParameter(brotli, BROTLI_PARAM_QUALITY, 5)
        }
    }

    deinit {
        if zlibReady { deflateEnd(zlib) }
        zlib.deinitialize(count: 1)
        zlib.deallocate()
        if let brotli { BrotliEncoderDestroyInstance(brotli) }
    }

    /// Compresses `input`; with `flush` the output so far is made decodable;
    /// with `finish` the stream is ended.
    func compress(_ input: [UInt8], flush: Bool = false, finish: Bool = false) -> [UInt8] {
        switch encoding {
        case .gzip, .deflate: zlibCompress(input, mode: finish ? Z_FINISH : (flush ? Z_SYNC_FLUSH : Z_NO_FLUSH))
        case .brotli:
            brotliCompress(input, operation: finish ? BROTLI_OPERATION_FINISH : (flush ? BROTLI_OPERATION_FLUSH : BROTLI_OPERATION_PROCESS))
        }
    }

    /// Compresses a whole body in one go.
    public static func compressAll(_ input: [UInt8], as encoding: Encoding) -> [UInt8] {
        StreamingCompressor(encoding)?.compress(input, finish: true) ?? []
    }

    private func zlibCompress(_ input: [UInt8], mode: Int32) -> [UInt8] {
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        var source = input
        source.withUnsafeMutableBufferPointer { sourceBytes in
            zlib.pointee.next_in = sourceBytes.baseAddress
            zlib.pointee.avail_in = UInt32(sourceBytes.count)
            repeat {
                let produced = scratch.withUnsafeMutableBufferPointer { out -> Int in
                    zlib.pointee.next_out = out.baseAddress
                    zlib.pointee.avail_out = UInt32(out.count)
                    _ = deflate(zlib, mode)
                    return out.count - Int(zlib.pointee.avail_out)
                }
                output += scratch[0..<produced]
            } while zlib.pointee.avail_out == 0 || zlib.pointee.avail_in > 0
            zlib.pointee.next_in = nil
        }
        return output
    }

    private func brotliCompress(_ input: [UInt8], operation: BrotliEncoderOperation) -> [UInt8] {
        guard let brotli else { return [] }
        var output: [UInt8] = []
        input.withUnsafeBufferPointer { sourceBytes in
            var availableIn = sourceBytes.count
            var nextIn = sourceBytes.baseAddress
            repeat {
                var availableOut = 0
                var nextOut: UnsafeMutablePointer<UInt8>?
                guard BrotliEncoderCompressStream(brotli, operation, &availableIn, &nextIn, &availableOut, &nextOut, nil) == BROTLI_TRUE
                else { return }
                var size = 0
                if let produced = BrotliEncoderTakeOutput(brotli, &size), size > 0 {
                    output += UnsafeBufferPointer(start: produced, count: size)
                }
            } while availableIn > 0 || BrotliEncoderHasMoreOutput(brotli) == BROTLI_TRUE
                || (operation == BROTLI_OPERATION_FINISH && BrotliEncoderIsFinished(brotli) == BROTLI_FALSE)
        }
        return output
    }
}
