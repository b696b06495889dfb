import AsyncURLSupport

/// Reading and normalising a captured HTTP response head (status line and
/// header lines, CRLF-terminated, ending with the empty line).
enum HTTPMessageHead {
    /// Headers describing an encoding the stored body no longer has.
    private static let renamedWhenDecoded: Set<String> = ["transfer-encoding", "content-encoding"]

    /// The head as archived with a body of `bodyLength` bytes: `Transfer-Encoding`
    /// and `Content-Encoding` are renamed `X-Archive-Orig-...` (the body is stored
    /// decoded), a `Content-Length` that does not match is renamed too, and a
    /// matching `Content-Length` is added where none is left.
    static func normalizedResponseHead(_ head: [UInt8], bodyLength: Int) -> [UInt8] {
        var lines = split(head)
        guard !lines.isEmpty else {
            // Nothing was captured (the server sent no head): a minimal one.
            return Array("HTTP/1.1 000 Unknown\r\nContent-Length: \(bodyLength)\r\n\r\n".utf8)
        }
        var hasLength = false
        for index in lines.indices.dropFirst() {
            guard let (name, value) = field(lines[index]) else { continue }
            let lower = name.lowercased()
            if renamedWhenDecoded.contains(lower) || (lower == "content-length" && Int(value) != bodyLength) {
                lines[index] = Array("X-Archive-Orig-".utf8) + lines[index]
            } else if lower == "content-length" {
                hasLength = true
            }
        }
        if !hasLength { lines.append(Array("Content-Length: \(bodyLength)".utf8)) }
        var output: [UInt8] = []
        for line in lines {
            output += line
            output += [0x0D, 0x0A]
        }
        output += [0x0D, 0x0A]
        return output
    }

    /// The status code of the head's status line, as text (`"200"`), or `"-"`.
    static func status(of head: [UInt8]) -> String {
        guard let line = split(head).first else { return "-" }
        let parts = line.split(separator: 0x20, maxSplits: 2)
        guard parts.count >= 2, parts[1].count == 3, parts[1].allSatisfy({ (0x30...0x39).contains($0) }) else { return "-" }
        return String(decoding: parts[1], as: UTF8.self)
    }

    /// The essence of the head's `Content-Type` (`text/html`), lower-cased.
    static func mediaType(of head: [UInt8]) -> String? {
        for line in split(head).dropFirst() {
            guard let (name, value) = field(line), name.equalsIgnoringASCIICase("content-type") else { continue }
            let essence = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
            let trimmed = essence.filter { $0 != " " && $0 != "\t" }.lowercased()
            return trimmed.isEmpty ? nil : trimmed
        }
        return nil
    }

    /// The head's lines without their line ends, up to the empty line.
    private static func split(_ head: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in head {
            if byte == 0x0A {
                if current.last == 0x0D { current.removeLast() }
                if current.isEmpty { break }
                lines.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// A header line's name and trimmed value.
    private static func field(_ line: [UInt8]) -> (String, String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmed(" \t")
        return (name, value)
    }
}
