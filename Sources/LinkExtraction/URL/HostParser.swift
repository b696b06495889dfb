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
        let decoded = PercentEncoding.decode(input)
        // Checked before IDNA too: libidn2 takes C strings, so a NUL would silently cut the name.
        for byte in decoded where byte < 0x80 && isForbiddenDomainByte(byte) { return nil }
        guard let ascii = domainToASCII(decoded), !ascii.isEmpty else { return nil }
        for byte in ascii where isForbiddenDomainByte(byte) { return nil }
        if endsInANumber(ascii[...]) {
            guard let address = parseIPv4(ascii[...]) else { return nil }
            return Array(serializeIPv4(address).utf8)
        }
        return ascii
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

    /// The standard's "ends in a number" check.
    static func endsInANumber(_ input: ArraySlice<UInt8>) -> Bool {
        var parts = input.split(separator: 0x2E, omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true {
            if parts.count == 1 { return false }
            parts.removeLast()
        }
        guard let last = parts.last, !last.isEmpty else { return false }
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

    /// Parses an IPv4 address in any of the forms browsers accept.
    static func parseIPv4(_ input: ArraySlice<UInt8>) -> UInt32? {
        var parts = input.split(separator: 0x2E, omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true, parts.count > 1 { parts.removeLast() }
        guard parts.count <= 4, !parts.isEmpty else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = parseIPv4Number(part) else { return nil }
            numbers.append(number)
        }
        for number in numbers.dropLast() where number > 255 { return nil }
        guard let last = numbers.last else { return nil }
        let limit: UInt64 = 1 << (8 * UInt64(5 - numbers.count))
        guard last < limit else { return nil }
        var address = last
        for (index, number) in numbers.dropLast().enumerated() {
            address += number << (8 * UInt64(3 - index))
        }
        return UInt32(truncatingIfNeeded: address)
    }

    /// Dotted-decimal form of an IPv4 address.
    static func serializeIPv4(_ address: UInt32) -> String {
        "\(address >> 24).\((address >> 16) & 0xFF).\((address >> 8) & 0xFF).\(address & 0xFF)"
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
