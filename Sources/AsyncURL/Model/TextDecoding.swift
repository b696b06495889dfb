#if canImport(Glibc)
    import Glibc
#endif

/// Decodes bytes in a named charset to a `String` with the C library's
/// `iconv`, which knows every charset an HTTP response names (Latin-1,
/// Windows code pages, Shift_JIS, GB18030, KOI8-R, UTF-16, ...). Bytes that
/// are invalid in the charset become U+FFFD; the output is bounded by the input.
enum TextDecoding {
    /// The text, or `nil` when the charset is unknown to iconv.
    static func decode(_ bytes: some Collection<UInt8>, charset: String) -> String? {
        let name = charset.lowercased()
        if name == "utf-8" || name == "utf8" { return String(decoding: bytes, as: UTF8.self) }
        let converter = iconv_open("UTF-8", name)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = Array(bytes)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var remaining = input.count
        input.withUnsafeMutableBufferPointer { source in
            var inPointer = source.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
            while true {
                let (produced, result, failure): (Int, Int, Int32) = chunk.withUnsafeMutableBufferPointer { target in
                    var outPointer = target.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
                    var outLeft = target.count
                    let result =
                        remaining > 0
                        ? iconv(converter, &inPointer, &remaining, &outPointer, &outLeft)
                        : iconv(converter, nil, nil, &outPointer, &outLeft)
                    return (target.count - outLeft, result, result == -1 ? errno : 0)
                }
                output.append(contentsOf: chunk.prefix(produced))
                if result != -1 { if remaining == 0 { break } else { continue } }
                switch failure {
                case E2BIG:
                    continue
                case EILSEQ, EINVAL:
                    // An invalid or cut-off sequence: one replacement character, skip a byte.
                    output.append(contentsOf: replacement)
                    guard remaining > 0 else { return }
                    inPointer = inPointer.map { $0 + 1 }
                    remaining -= 1
                    if remaining == 0 { return }
                default:
                    return
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
