// Percent-encode sets and helpers of the WHATWG URL standard, working on UTF-8 bytes.

/// The percent-encode sets the WHATWG URL standard defines, as byte predicates.
///
/// Every set contains the C0 controls and every byte above 0x7E, so non-ASCII
/// text is always written as percent-encoded UTF-8.
enum PercentEncodeSet: Sendable {
    /// C0 controls and bytes above 0x7E (opaque paths, opaque hosts).
    case c0Control
    /// Fragment set: C0 controls, space, `"`, `<`, `>`, `` ` ``.
    case fragment
    /// Query set: C0 controls, space, `"`, `#`, `<`, `>`.
    case query
    /// Query set plus `'`, for special schemes.
    case specialQuery
    /// Path set: query set plus `?`, `^`, `` ` ``, `{`, `}` (`^` since the standard's 2024 change).
    case path
    /// Userinfo set: path set plus `/ : ; = @ [ \ ] ^ |`.
    case userinfo

    /// Whether `byte` must be percent-encoded in this set.
    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        if byte < 0x20 || byte > 0x7E { return true }
        switch self {
        case .c0Control:
            return false
        case .fragment:
            return byte == 0x20 || byte == 0x22 || byte == 0x3C || byte == 0x3E || byte == 0x60
        case .query:
            return byte == 0x20 || byte == 0x22 || byte == 0x23 || byte == 0x3C || byte == 0x3E
        case .specialQuery:
            return byte == 0x20 || byte == 0x22 || byte == 0x23 || byte == 0x3C || byte == 0x3E || byte == 0x27
        case .path:
            return byte == 0x20 || byte == 0x22 || byte == 0x23 || byte == 0x3C || byte == 0x3E
                || byte == 0x3F || byte == 0x5E || byte == 0x60 || byte == 0x7B || byte == 0x7D
        case .userinfo:
            switch byte {
            case 0x20, 0x22, 0x23, 0x3C, 0x3E, 0x3F, 0x60, 0x7B, 0x7D,
                0x2F, 0x3A, 0x3B, 0x3D, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x7C:
                return true
            default:
                return false
            }
        }
    }
}

/// Byte-level percent-encoding helpers.
enum PercentEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends `byte` to `output`, percent-encoded if `set` contains it.
    @inline(__always)
    static func append(_ byte: UInt8, to output: inout [UInt8], set: PercentEncodeSet) {
        if set.contains(byte) {
            output.append(0x25)
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        } else {
            output.append(byte)
        }
    }

    /// Appends `bytes` to `output`, percent-encoding what `set` contains.
    static func append<S: Sequence>(_ bytes: S, to output: inout [UInt8], set: PercentEncodeSet) where S.Element == UInt8 {
        for byte in bytes { append(byte, to: &output, set: set) }
    }

    /// The value of an ASCII hex digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// One unit of a percent-encoded string: a plain byte, or a valid `%XX` escape.
    private enum EncodedUnit {
        case byte(UInt8)
        case escape(UInt8)
    }

    /// Walks `bytes`, reporting each valid `%XX` escape by its value and every other byte as is.
    private static func scan<C: Collection>(_ bytes: C, _ body: (EncodedUnit) -> Void) where C.Element == UInt8 {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x25 {
                let first = bytes.index(after: index)
                if first != bytes.endIndex {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                        body(.escape(high << 4 | low))
                        index = bytes.index(after: second)
                        continue
                    }
                }
            }
            body(.byte(byte))
            index = bytes.index(after: index)
        }
    }

    /// Percent-decodes `bytes`; a `%` not followed by two hex digits is kept as is.
    static func decode<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        scan(bytes) { unit in
            switch unit {
            case .byte(let byte), .escape(let byte): output.append(byte)
            }
        }
        return output
    }

    /// Rewrites percent-escapes into a normal form: escapes of unreserved characters
    /// (`A-Z a-z 0-9 - . _ ~`) are decoded, other escapes get uppercase hex digits,
    /// and a `%` that does not start a valid escape becomes `%25`.
    static func normalize<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        scan(bytes) { unit in
            switch unit {
            case .escape(let value) where isUnreserved(value):
                output.append(value)
            case .escape(let value):
                output.append(contentsOf: [0x25, hexDigits[Int(value >> 4)], hexDigits[Int(value & 0x0F)]])
            case .byte(0x25):
                output.append(contentsOf: [0x25, 0x32, 0x35])
            case .byte(let byte):
                output.append(byte)
            }
        }
        return output
    }

    /// Whether `byte` is an RFC 3986 unreserved character.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: return true
        default: return false
        }
    }
}
