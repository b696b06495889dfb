/// One `Allow`/`Disallow` path pattern of a robots.txt file (RFC 9309 §2.2.2-2.2.3).
///
/// Patterns and paths are compared as octets after the same normalisation
/// (`RobotsPath.normalize(_:)`). `*` matches any sequence of octets; a `$`
/// at the end anchors the pattern to the end of the path. Matching looks for
/// the literal pieces between `*`s in order, each at its first occurrence
/// (which is never worse for the pieces after it), with a linear-time search
/// whose tables are built once, when the pattern is parsed, so a match costs
/// at most path length steps: hostile files (hundreds of 2 KB rules,
/// `/*a*a*a*a*b`) stay cheap for every URL.
public struct RobotsPattern: Sendable, Hashable, CustomStringConvertible {
    /// The normalised pattern octets, without a trailing `$`.
    public let octets: [UInt8]
    /// Whether the pattern ended with `$`.
    public let isAnchored: Bool
    /// `octets` split at each `*` (empty pieces kept, so a leading `*` gives an empty first piece).
    private let pieces: [[UInt8]]
    /// Each piece's Knuth-Morris-Pratt failure table, built once.
    private let failureTables: [[Int32]]
    /// The number of octets that are not `*`: a path shorter than this cannot match.
    private let literalCount: Int

    /// Parses a rule value.
    public init(_ value: String) {
        var bytes = RobotsPath.normalize(Array(value.utf8))
        if bytes.last == UInt8(ascii: "$") {
            bytes.removeLast()
            isAnchored = true
        } else {
            isAnchored = false
        }
        octets = bytes
        pieces = bytes.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
        failureTables = pieces.map(Self.failureTable)
        literalCount = bytes.count { $0 != UInt8(ascii: "*") }
    }

    /// The pattern's length for "longest match wins": the octets of the rule value as written (normalised), `$` included.
    public var priority: Int { octets.count + (isAnchored ? 1 : 0) }

    /// Whether the pattern matches a normalised path from its first octet.
    public func matches(_ path: [UInt8]) -> Bool {
        guard literalCount <= path.count, let first = pieces.first else { return false }
        // The first piece is a prefix of the path.
        guard path.starts(with: first) else { return false }
        if pieces.count == 1 { return !isAnchored || first.count == path.count }
        var position = first.count
        for index in pieces.indices.dropFirst().dropLast() {
            guard let found = Self.firstIndex(of: pieces[index], failure: failureTables[index], in: path, from: position) else {
                return false
            }
            position = found + pieces[index].count
        }
        // After the last `*`: with `$` the last piece must end the path, else it may stand anywhere later.
        let last = pieces[pieces.count - 1]
        if isAnchored {
            return path.count - last.count >= position && path[(path.count - last.count)...].elementsEqual(last)
        }
        return Self.firstIndex(of: last, failure: failureTables[pieces.count - 1], in: path, from: position) != nil
    }

    /// The octets this pattern holds (for cache accounting).
    var storageBytes: Int { octets.count * 6 + pieces.count * 48 + 64 }

    /// failure[i]: the length of the longest proper prefix of needle[0...i] that is also its suffix.
    private static func failureTable(_ needle: [UInt8]) -> [Int32] {
        guard needle.count > 1 else { return [] }
        var failure = [Int32](repeating: 0, count: needle.count)
        var length = 0
        for index in needle.indices.dropFirst() {
            while length > 0 && needle[index] != needle[length] { length = Int(failure[length - 1]) }
            if needle[index] == needle[length] { length += 1 }
            failure[index] = Int32(length)
        }
        return failure
    }

    /// Where `needle` first occurs in `haystack` at or after `start` (Knuth-Morris-Pratt
    /// with the needle's prebuilt table: linear in the haystack, whatever the octets).
    private static func firstIndex(of needle: [UInt8], failure: [Int32], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty else { return start <= haystack.count ? start : nil }
        guard haystack.count - start >= needle.count else { return nil }
        if needle.count == 1 { return haystack[start...].firstIndex(of: needle[0]) }
        var matched = 0
        for index in start..<haystack.count {
            while matched > 0 && haystack[index] != needle[matched] { matched = Int(failure[matched - 1]) }
            if haystack[index] == needle[matched] { matched += 1 }
            if matched == needle.count { return index - needle.count + 1 }
        }
        return nil
    }

    /// The pattern as normalised, with `$` when anchored.
    public var description: String {
        String(decoding: octets, as: UTF8.self) + (isAnchored ? "$" : "")
    }
}

/// The normalisation RFC 9309 asks for before comparing paths and patterns.
package enum RobotsPath {
    /// Percent-encodes octets outside US-ASCII (and controls and space),
    /// decodes `%XX` escapes of unreserved characters, and upper-cases the
    /// hex digits of the escapes that stay.
    public static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        // The common path has nothing to rewrite: it is its own normal form, with no copy.
        guard bytes.contains(where: { $0 == 0x25 || $0 >= 0x7F || $0 <= 0x20 }) else { return bytes }
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10 }
        func value(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        func isUnreserved(_ byte: UInt8) -> Bool {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: true
            default: false
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x25, index + 2 < bytes.count, let high = value(bytes[index + 1]), let low = value(bytes[index + 2]) {
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    output.append(decoded)
                } else {
                    output += [0x25, hex(high), hex(low)]
                }
                index += 3
                continue
            }
            if byte >= 0x80 || byte <= 0x20 || byte == 0x7F {
                output += [0x25, hex(byte >> 4), hex(byte & 0x0F)]
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// The path and query of an absolute URL (`/` when the path is empty),
    /// without the fragment: what robots.txt rules are matched against.
    public static func pathAndQuery(ofURL url: String) -> String {
        let bytes = url.utf8
        let end = bytes.firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        var start = bytes.startIndex
        if let colon = bytes[..<end].firstIndex(of: UInt8(ascii: ":")), bytes[colon..<end].starts(with: "://".utf8),
            bytes[..<colon].allSatisfy(isSchemeByte)
        {
            let authority = bytes.index(colon, offsetBy: 3)
            guard let pathStart = bytes[authority..<end].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
            else { return "/" }
            start = pathStart
        }
        guard start < end else { return "/" }
        if bytes[start] == UInt8(ascii: "?") { return "/" + url[start..<end] }
        return String(url[start..<end])
    }

    /// A byte a URL scheme may hold: an ASCII letter or digit, `+`, `-` or `.`.
    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
