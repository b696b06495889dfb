// How long a reference resolved against a base can be, known before it is resolved.

/// A lower bound on the length of a link once resolved, computed from the parts of the
/// reference and the base without building the resolved string.
///
/// A page can make a short reference expensive: `?1` resolved against a 1 MB
/// `<base href>` is a 1 MB string, and 2,000 of them are 2 GB. Checking the bound first
/// drops such a link in time linear in the reference, with nothing allocated.
///
/// The bound counts only what the WHATWG parser never removes: the part of the base the
/// reference keeps (its scheme, its `scheme://authority`, or its whole path and query),
/// and the reference's query (percent-encoding only lengthens it). Path segments are
/// not counted, since `..` can remove them; the fragment is not, since links drop it.
/// Whatever passes the bound is still checked against the limit once resolved.
package enum ResolvedLength {
    /// The fewest bytes `reference`, resolved against `base` and without its fragment,
    /// can serialise to. Zero when nothing is known (a base with an opaque path).
    package static func lowerBound(of reference: String, against base: WebURL) -> Int {
        guard !base.hasOpaquePath else { return 0 }
        var reference = reference
        return reference.withUTF8 { lowerBound(of: $0, against: base) }
    }

    /// ``lowerBound(of:against:)`` of a reference's UTF-8 bytes (read in place: no generic
    /// `String.UTF8View` walk), for a base without an opaque path.
    private static func lowerBound(of bytes: UnsafeBufferPointer<UInt8>, against base: WebURL) -> Int {
        // The standard trims leading and trailing C0 controls and spaces.
        guard var start = bytes.firstIndex(where: { $0 > 0x20 }), let last = bytes.lastIndex(where: { $0 > 0x20 }) else {
            return lengthWithoutFragment(of: base)
        }
        let end = last + 1
        let special = base.isSpecial
        if let colon = schemeColon(in: bytes, from: start, to: end) {
            let schemeLength = colon - start
            let sameSpecialScheme =
                special && schemeLength == base.scheme.utf8.count
                && zip(bytes[start..<colon], base.scheme.utf8).allSatisfy { lowercased($0) == $1 }
            guard sameSpecialScheme else {
                // An absolute URL: its scheme, `:` and its query are kept.
                return schemeLength + 1 + queryLength(bytes, from: colon, to: end)
            }
            // `http:foo` against an `http:` base is relative.
            start = colon + 1
        }
        let query = queryLength(bytes, from: start, to: end)
        let first = significantByte(bytes, at: start, to: end)
        func isSlash(_ byte: UInt8?) -> Bool { byte == 0x2F || (special && byte == 0x5C) }
        switch first.byte {
        case nil, 0x23:
            // Empty or `#...`: the base without its fragment.
            return lengthWithoutFragment(of: base)
        case 0x3F:
            // `?...`: the base up to its query, then the new query.
            return lengthWithoutFragment(of: base) - (base.query.map { $0.utf8.count + 1 } ?? 0) + query
        case let byte where isSlash(byte):
            if isSlash(significantByte(bytes, at: first.next, to: end).byte) {
                // `//host...`: the base's scheme, `://`.
                return base.scheme.utf8.count + 3 + query
            }
            // `/path`: the base's `scheme://authority`, `/`.
            return authorityPrefixLength(of: base) + 1 + query
        default:
            // A relative path: at least the base's `scheme://authority` and `/`.
            return authorityPrefixLength(of: base) + 1 + query
        }
    }

    /// The base's serialisation without `#fragment`.
    private static func lengthWithoutFragment(of base: WebURL) -> Int {
        base.href.utf8.count - (base.fragment.map { $0.utf8.count + 1 } ?? 0)
    }

    /// The base's `scheme://userinfo@host:port`: its serialisation before the path.
    private static func authorityPrefixLength(of base: WebURL) -> Int {
        lengthWithoutFragment(of: base) - base.path.utf8.count - (base.query.map { $0.utf8.count + 1 } ?? 0)
    }

    /// The `:` ending a scheme at `start` (a letter, then letters, digits, `+ - .`), if any.
    private static func schemeColon(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        var isFirst = true
        while index < end {
            let byte = bytes[index]
            if byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
                continue
            }
            if byte == 0x3A { return isFirst ? nil : index }
            let isAlpha = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            guard isAlpha || (!isFirst && ((byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E)) else {
                return nil
            }
            isFirst = false
            index += 1
        }
        return nil
    }

    /// The first byte at or after `index` that is not a tab or newline (which the standard removes), and the index after it.
    private static func significantByte(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, to end: Int) -> (
        byte: UInt8?, next: Int
    ) {
        var index = index
        while index < end {
            let byte = bytes[index]
            index += 1
            if byte != 0x09 && byte != 0x0A && byte != 0x0D { return (byte, index) }
        }
        return (nil, end)
    }

    /// `?` and the query's bytes, when the reference has a query before any `#`; tabs and newlines are not counted.
    private static func queryLength(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var length = 0
        var inQuery = false
        for byte in bytes[start..<end] {
            if byte == 0x23 { break }
            if inQuery {
                if byte != 0x09 && byte != 0x0A && byte != 0x0D { length += 1 }
            } else if byte == 0x3F {
                inQuery = true
                length = 1
            }
        }
        return length
    }

    @inline(__always)
    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}
