/// Base32 encoding (RFC 4648, upper-case alphabet, with padding), the form of WARC digests.
package enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// `bytes` in base32.
    package static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 4) / 5 * 8)
        var index = 0
        while index < bytes.count {
            let group = Array(bytes[index..<min(index + 5, bytes.count)])
            var buffer: UInt64 = 0
            for position in 0..<5 {
                buffer = buffer << 8 | UInt64(position < group.count ? group[position] : 0)
            }
            // 1..5 input bytes give 2, 4, 5, 7 or 8 significant characters.
            let significant = [0, 2, 4, 5, 7, 8][group.count]
            for position in 0..<8 {
                if position < significant {
                    output.append(alphabet[Int(buffer >> UInt64(35 - position * 5) & 0x1F)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += 5
        }
        return String(decoding: output, as: UTF8.self)
    }
}
