// Host parsing of the WHATWG URL standard: domains, IPv4 (with its legacy
// hex/octal/short forms), IPv6 with compression, opaque hosts.

/// Parses and serializes URL hosts as the WHATWG URL standard's host parser does.
enum HostParser {
    /// Parses `input` (the raw host text between the authority delimiters).
    ///
    /// - Parameter isOpaque: true for non-special schemes, whose hosts are not domains.
    /// - Returns: the serialized host, or nil when the host is invalid.
    static func parse(_ input: ArraySlice<UInt8>, isOpaque: Bool) -> [UInt8]? {
        if input.first == 0x5B {  // [
            guard input.count >= 2, input.last == 0x5D else { return nil }
            guard let pieces = parseIPv6(input.dropFirst().dropLast()) else { return nil }
            return Array("[\(serializeIPv6(pieces))]".utf8)
        }
        if isOpaque {
            return parseOpaque(input)
        }
        let ascii: [UInt8]
        if let plain = plainASCIIDomain(input) {
            ascii = plain
        } else {
            let decoded = PercentEncoding.decode(input)
            // Checked before IDNA too: libidn2 takes C strings, so a NUL would silently cut the name.
            for byte in decoded where byte < 0x80 && isForbiddenDomainByte(byte) { return nil }
            guard let converted = domainToASCII(decoded), !converted.isEmpty else { return nil }
            for byte in converted where isForbiddenDomainByte(byte) { return nil }
            ascii = converted
        }
        if endsInANumber(ascii[...]) {
            guard let address = parseIPv4(ascii[...]) else { return nil }
            return serializedIPv4(address)
        }
        return ascii
    }

    /// The common case in one pass and one allocation: a non-empty host of
    /// ASCII bytes, none of them `%` or forbidden in a domain, lowercased.
    /// `nil` when the host needs the general path (escapes, IDNA, or a
    /// byte that makes it invalid, which that path reports).
    private static func plainASCIIDomain(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        guard !input.isEmpty else { return nil }
        var output = [UInt8](repeating: 0, count: input.count)
        var index = 0
        for byte in input {
            guard byte < 0x80, !isForbiddenDomainByte(byte) else { return nil }
            output[index] = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            index += 1
        }
        return output
    }

    /// An opaque host (non-special schemes): forbidden host code points fail, the rest
    /// is percent-encoded with the C0 control set.
    private static func parseOpaque(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        for byte in input {
            if byte != 0x25 && isForbiddenHostByte(byte) { return nil }
            PercentEncoding.append(byte, to: &output, set: .c0Control)
        }
        return output
    }

    /// Lowercases an ASCII domain, or converts a non-ASCII one to punycode (IDNA).
    private static func domainToASCII(_ decoded: [UInt8]) -> [UInt8]? {
        guard !decoded.isEmpty else { return nil }
        if decoded.allSatisfy({ $0 < 0x80 }) {
            return decoded.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
        }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let ascii = IDNAConverter.toASCII(text) else { return nil }
        return Array(ascii.lowercased().utf8)
    }

    /// Forbidden host code points (ASCII subset).
    @inline(__always)
    static func isForbiddenHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00, 0x09, 0x0A, 0x0D, 0x20, 0x23, 0x2F, 0x3A, 0x3C, 0x3E, 0x3F, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x7C:
            return true
        default:
            return false
        }
    }

    /// Forbidden domain code points: forbidden host code points, C0 controls, `%`, DEL.
    @inline(__always)
    static func isForbiddenDomainByte(_ byte: UInt8) -> Bool {
        isForbiddenHostByte(byte) || byte <= 0x1F || byte == 0x25 || byte == 0x7F
    }

    // MARK: IPv4

    /// The standard's "ends in a number" check: the last dot-separated part
    /// (one trailing dot ignored) is all digits or a valid IPv4 number.
    static func endsInANumber(_ input: ArraySlice<UInt8>) -> Bool {
        var end = input.endIndex
        if end > input.startIndex, input[end - 1] == 0x2E { end -= 1 }
        var start = end
        while start > input.startIndex, input[start - 1] != 0x2E { start -= 1 }
        let last = input[start..<end]
        guard !last.isEmpty else { return false }
        if last.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        return parseIPv4Number(last) != nil
    }

    /// Parses one IPv4 part: decimal, `0x` hex or leading-zero octal.
    private static func parseIPv4Number(_ input: ArraySlice<UInt8>) -> UInt64? {
        guard !input.isEmpty else { return nil }
        var digits = input
        var radix: UInt64 = 10
        if digits.count >= 2, digits.first == 0x30, let second = digits.dropFirst().first, second == 0x78 || second == 0x58 {
            digits = digits.dropFirst(2)
            radix = 16
        } else if digits.count >= 2, digits.first == 0x30 {
            digits = digits.dropFirst()
            radix = 8
        }
        if digits.isEmpty { return 0 }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case 0x30...0x39: digit = UInt64(byte - 0x30)
            case 0x61...0x66: digit = UInt64(byte - 0x61 + 10)
            case 0x41...0x46: digit = UInt64(byte - 0x41 + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            // Saturate: anything this large fails the range check later.
            value = value > (1 << 40) ? value : value * radix + digit
        }
        return value
    }

    /// Parses an IPv4 address in any of the forms browsers accept: one to
    /// four dot-separated numbers (one trailing dot ignored), every one but
    /// the last at most 255, the last filling the bytes that are left.
    static func parseIPv4(_ input: ArraySlice<UInt8>) -> UInt32? {
        var end = input.endIndex
        if end > input.startIndex, input[end - 1] == 0x2E { end -= 1 }
        var address: UInt64 = 0
        var count: UInt64 = 0
        var partStart = input.startIndex
        while true {
            var partEnd = partStart
            while partEnd < end, input[partEnd] != 0x2E { partEnd += 1 }
            guard count < 4, let number = parseIPv4Number(input[partStart..<partEnd]) else { return nil }
            count += 1
            if partEnd == end {
                guard number < (1 << (8 * (5 - count))) else { return nil }
                return UInt32(truncatingIfNeeded: address + number)
            }
            guard number <= 255 else { return nil }
            address += number << (8 * (4 - count))
            partStart = partEnd + 1
        }
    }

    /// Dotted-decimal form of an IPv4 address.
    static func serializeIPv4(_ address: UInt32) -> String {
        String(decoding: serializedIPv4(address), as: UTF8.self)
    }

    /// Dotted-decimal form of an IPv4 address, as bytes.
    static func serializedIPv4(_ address: UInt32) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            let byte = UInt8(truncatingIfNeeded: address >> UInt32(shift))
            if shift != 24 { output.append(0x2E) }
            if byte >= 100 { output.append(0x30 + byte / 100) }
            if byte >= 10 { output.append(0x30 + (byte / 10) % 10) }
            output.append(0x30 + byte % 10)
        }
        return output
    }

    // MARK: IPv6

    /// Parses the text between `[` and `]` into eight 16-bit pieces.
    static func parseIPv6(_ input: ArraySlice<UInt8>) -> [UInt16]? {
        IPv6AddressParser.parse(input)
    }

    /// Serializes eight pieces, compressing the first longest run of two or more zeros.
    static func serializeIPv6(_ pieces: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if pieces[index] == 0 {
                var end = index
                while end < 8 && pieces[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        var output = ""
        var ignoring = false
        for pieceIndex in 0..<8 {
            if ignoring && pieces[pieceIndex] == 0 { continue }
            ignoring = false
            if pieceIndex == bestStart {
                output += pieceIndex == 0 ? "::" : ":"
                ignoring = true
                continue
            }
            output += String(pieces[pieceIndex], radix: 16)
            if pieceIndex != 7 { output += ":" }
        }
        return output
    }
}
