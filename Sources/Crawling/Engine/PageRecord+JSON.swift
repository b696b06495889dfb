/// The page log's line written by hand: one record a page, so a crawl of
/// 20,000 pages ran `JSONEncoder` (its boxes, its key sorting) 20,000 times.
extension PageRecord {
    /// The record as the JSON object `JSONEncoder` writes with `.sortedKeys`
    /// and `.withoutEscapingSlashes`, byte for byte: keys sorted, absent
    /// optionals left out, no spaces, `"`, `\` and control characters escaped.
    var jsonObject: [UInt8] {
        var writer = JSONObjectWriter(capacity: 160 + url.utf8.count + (finalURL?.utf8.count ?? 0) + (referrer?.utf8.count ?? 0))
        writer.member("bytes", bytes)
        writer.member("change", change?.rawValue)
        writer.member("content_type", contentType)
        writer.member("depth", depth)
        writer.member("elapsed_ms", elapsedMilliseconds)
        writer.member("error", error)
        writer.member("final_url", finalURL)
        writer.member("links", links)
        writer.member("links_dropped", linksDropped)
        writer.member("outlinks", outlinks)
        writer.member("redirects", redirects)
        writer.member("referrer", referrer)
        writer.member("rendered", rendered)
        writer.member("status", status)
        writer.member("url", url)
        return writer.finished()
    }
}

/// Writes one flat JSON object member by member, the members in the order given.
struct JSONObjectWriter {
    private var bytes: [UInt8]

    /// A writer whose buffer starts with room for `capacity` bytes.
    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// The object, closed.
    consuming func finished() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// A member with a number value; none when `value` is `nil`.
    mutating func member(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        start(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A member with a `true`/`false` value; none when `value` is `nil`.
    mutating func member(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        start(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A member with a string value; none when `value` is `nil`.
    mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        start(key)
        appendString(value)
    }

    /// A member with an array of strings; none when `values` is `nil`.
    mutating func member(_ key: StaticString, _ values: [String]?) {
        guard let values else { return }
        start(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendString(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A comma after an earlier member, then `"key":`.
    private mutating func start(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    /// `text` quoted: `"` and `\` escaped, control characters as `JSONEncoder`
    /// writes them (`\b \t \n \f \r`, else `\u00XX`), `/` and all else as it is.
    private mutating func appendString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Text with nothing to escape (most URLs and header values) goes in as one copy.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x08: bytes.append(contentsOf: "\\b".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0C: bytes.append(contentsOf: "\\f".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
