/// One `Allow`/`Disallow` path pattern of a robots.txt file (RFC 9309 §2.2.2-2.2.3).
///
/// Patterns and paths are compared as octets after the same normalisation
/// (``RobotsPath/normalize(_:)``). `*` matches any sequence of octets; a `$`
/// at the end anchors the pattern to the end of the path. Matching keeps a
/// set of candidate positions (no backtracking), so hostile patterns such as
/// `/*a*a*a*a*b` cost at most pattern length × path length steps.
public struct RobotsPattern: Sendable, Hashable, CustomStringConvertible {
    /// The normalised pattern octets, without a trailing `$`.
    public let octets: [UInt8]
    /// Whether the pattern ended with `$`.
    public let isAnchored: Bool

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
    }

    /// The pattern's length for "longest match wins": the octets of the rule value as written (normalised), `$` included.
    public var priority: Int { octets.count + (isAnchored ? 1 : 0) }

    /// Whether the pattern matches a normalised path from its first octet.
    public func matches(_ path: [UInt8]) -> Bool {
        // positions[k] == true: the pattern prefix read so far can end at path index k.
        var positions = [Bool](repeating: false, count: path.count + 1)
        positions[0] = true
        var lowest = 0
        for octet in octets {
            if octet == UInt8(ascii: "*") {
                // Every position at or after the lowest live one is now live.
                guard let first = positions[lowest...].firstIndex(of: true) else { return false }
                lowest = first
                for index in first...path.count { positions[index] = true }
                continue
            }
            var anyLive = false
            var next = [Bool](repeating: false, count: path.count + 1)
            for index in lowest..<path.count where positions[index] && path[index] == octet {
                next[index + 1] = true
                anyLive = true
            }
            guard anyLive else { return false }
            positions = next
            lowest = positions.firstIndex(of: true) ?? path.count
        }
        return isAnchored ? positions[path.count] : positions.contains(true)
    }

    /// The pattern as normalised, with `$` when anchored.
    public var description: String {
        String(decoding: octets, as: UTF8.self) + (isAnchored ? "$" : "")
    }
}

/// The normalisation RFC 9309 asks for before comparing paths and patterns.
public enum RobotsPath {
    /// Percent-encodes octets outside US-ASCII (and controls and space),
    /// decodes `%XX` escapes of unreserved characters, and upper-cases the
    /// hex digits of the escapes that stay.
    public static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
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
                    output += [0x25, hex[Int(high)], hex[Int(low)]]
                }
                index += 3
                continue
            }
            if byte >= 0x80 || byte <= 0x20 || byte == 0x7F {
                output += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
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
        var rest = Substring(url)
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://"),
           rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
            rest = rest[rest.index(colon, offsetBy: 3)...]
            guard let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            rest = rest[pathStart...]
        }
        if rest.first == "?" { return "/" + rest }
        return rest.isEmpty ? "/" : String(rest)
    }
}
