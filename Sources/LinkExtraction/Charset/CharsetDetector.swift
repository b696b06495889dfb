// Choosing a document's character encoding: HTTP header, then BOM, then <meta> pre-scan.
import AsyncURLSupport

/// Determines the character encoding of an HTML document the way browsers do, in order:
/// the `charset` parameter of the HTTP `Content-Type` header, a byte order mark, a
/// `<meta charset>` / `<meta http-equiv="Content-Type" content="...charset=...">` found in
/// the first 1024 bytes, then a default.
package enum CharsetDetector {
    /// How many leading bytes the `<meta>` pre-scan looks at.
    public static let prescanLength = 1024

    /// Where an encoding decision came from.
    public enum Source: Sendable, Hashable {
        /// The HTTP `Content-Type` header.
        case httpHeader
        /// A byte order mark.
        case byteOrderMark
        /// A `<meta>` element in the first 1024 bytes.
        case meta
        /// Nothing named an encoding.
        case defaultEncoding
        /// A label was given but is not in the WHATWG Encoding Standard's table, and
        /// nothing else named an encoding: windows-1252 is used.
        case unknownLabel
    }

    /// The `charset` parameter of a `Content-Type` header value, if any.
    public static func charset(fromContentType contentType: String) -> String? {
        MediaType(contentType: contentType).charsetLabel
    }

    /// The encoding a BOM at the start of `bytes` announces, and the BOM's length.
    public static func byteOrderMark(in bytes: UnsafeRawBufferPointer) -> (encoding: String, length: Int)? {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return ("UTF-8", 3) }
        if bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF { return ("UTF-16BE", 2) }
        if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE { return ("UTF-16LE", 2) }
        return nil
    }

    /// The charset a `<meta>` element in `bytes` names (the browser pre-scan, simplified:
    /// comments are skipped, attributes of `<meta>` tags are read, other tags are passed over).
    public static func prescanMeta(_ bytes: UnsafeRawBufferPointer) -> String? {
        let count = min(bytes.count, prescanLength)
        var index = 0
        func lower(_ byte: UInt8) -> UInt8 { (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte }
        func startsWith(_ literal: [UInt8], at position: Int) -> Bool {
            guard position + literal.count <= count else { return false }
            for offset in 0..<literal.count where lower(bytes[position + offset]) != literal[offset] { return false }
            return true
        }
        let commentStart: [UInt8] = Array("<!--".utf8)
        let metaStart: [UInt8] = Array("<meta".utf8)
        while index < count {
            if startsWith(commentStart, at: index) {
                index += 4
                while index < count && !(startsWith([0x2D, 0x2D, 0x3E], at: index)) { index += 1 }
                index += 3
                continue
            }
            if startsWith(metaStart, at: index), index + 5 < count, isSpaceOrSlash(bytes[index + 5]) {
                index += 5
                var attributes: [(String, String)] = []
                while index < count, bytes[index] != 0x3E {
                    guard let (name, value, next) = readAttribute(bytes, from: index, count: count) else { break }
                    attributes.append((name, value))
                    index = next
                }
                if let charset = charset(fromMetaAttributes: attributes) { return charset }
                continue
            }
            index += 1
        }
        return nil
    }

    /// Chooses the encoding for a document: header, BOM, `<meta>` pre-scan, default.
    ///
    /// Labels are resolved through the WHATWG Encoding Standard's label table
    /// (``encodingName(forLabel:)``). A label that is not in it is passed over, as browsers
    /// do; when no later source names a known encoding the document is read as
    /// windows-1252 (``Source/unknownLabel``), and the label itself never reaches iconv.
    /// `defaultEncoding` is a label or one of the table's encoding names; anything else
    /// means windows-1252 too.
    public static func detect(
        contentType: String?, prefix: UnsafeRawBufferPointer, defaultEncoding: String
    ) -> (encoding: String, source: Source) {
        var sawUnknownLabel = false
        if let contentType, let label = charset(fromContentType: contentType) {
            if let name = encodingName(forLabel: label) { return (name, .httpHeader) }
            sawUnknownLabel = true
        }
        if let bom = byteOrderMark(in: prefix) { return (bom.encoding, .byteOrderMark) }
        if let label = prescanMeta(prefix) {
            if let name = encodingName(forLabel: label) {
                // A document that reaches the pre-scan is ASCII-compatible: UTF-16 labels mean
                // UTF-8, and x-user-defined means windows-1252 (the standard's pre-scan rules).
                if name.hasPrefix("UTF-16") { return ("UTF-8", .meta) }
                return (name == EncodingLabels.userDefined ? EncodingLabels.fallback : name, .meta)
            }
            sawUnknownLabel = true
        }
        if sawUnknownLabel { return (EncodingLabels.fallback, .unknownLabel) }
        return (encoding(named: defaultEncoding), .defaultEncoding)
    }

    /// The encoding name handed to libxml2/iconv for a WHATWG encoding label (trimmed of
    /// ASCII whitespace, case-insensitive); nil for an empty label or one that is not in
    /// the standard's table.
    public static func encodingName(forLabel label: String) -> String? {
        EncodingLabels.encodingName(forLabel: label)
    }

    /// `name` as a label or one of the table's encoding names; windows-1252 for anything else.
    static func encoding(named name: String) -> String {
        if let resolved = encodingName(forLabel: name) { return resolved }
        let upper = name.trimmingASCIIWhitespace().uppercased()
        return EncodingLabels.encodingNames.contains(upper) ? upper : EncodingLabels.fallback
    }

    // MARK: Internals

    private static func isSpaceOrSlash(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D || byte == 0x2F
    }

    /// Reads one attribute of a tag starting at `start`; returns nil at `>` or the end.
    private static func readAttribute(
        _ bytes: UnsafeRawBufferPointer, from start: Int, count: Int
    ) -> (String, String, Int)? {
        var index = start
        while index < count, isSpaceOrSlash(bytes[index]) { index += 1 }
        guard index < count, bytes[index] != 0x3E else { return nil }
        var name: [UInt8] = []
        while index < count, bytes[index] != 0x3D, bytes[index] != 0x3E, !isSpaceOrSlash(bytes[index]) {
            let byte = bytes[index]
            name.append((byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte)
            index += 1
        }
        while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A { index += 1 }
        var value: [UInt8] = []
        if index < count, bytes[index] == 0x3D {
            index += 1
            while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A { index += 1 }
            if index < count, bytes[index] == 0x22 || bytes[index] == 0x27 {
                let quote = bytes[index]
                index += 1
                while index < count, bytes[index] != quote {
                    value.append(bytes[index])
                    index += 1
                }
                index += 1
            } else {
                while index < count, bytes[index] != 0x3E, !isSpaceOrSlash(bytes[index]) {
                    value.append(bytes[index])
                    index += 1
                }
            }
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self), index)
    }

    private static func charset(fromMetaAttributes attributes: [(String, String)]) -> String? {
        var isContentType = false
        var content: String? = nil
        for (name, value) in attributes {
            switch name {
            case "charset":
                let trimmed = value.trimmingASCIIWhitespace()
                if !trimmed.isEmpty { return trimmed }
            case "http-equiv":
                isContentType = value.trimmingASCIIWhitespace().equalsIgnoringASCIICase("content-type")
            case "content":
                content = value
            default:
                break
            }
        }
        if isContentType, let content { return charset(inParameters: Array(content.utf8)) }
        return nil
    }

    /// Finds `charset=value` (optionally quoted) in a header-like string.
    private static func charset(inParameters bytes: [UInt8]) -> String? {
        let needle: [UInt8] = Array("charset".utf8)
        var index = 0
        while index + needle.count <= bytes.count {
            var matches = true
            for offset in 0..<needle.count {
                let byte = bytes[index + offset]
                if ((byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte) != needle[offset] {
                    matches = false
                    break
                }
            }
            if matches {
                var position = index + needle.count
                while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
                if position < bytes.count, bytes[position] == 0x3D {
                    position += 1
                    while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
                    var value: [UInt8] = []
                    let quote: UInt8? =
                        (position < bytes.count && (bytes[position] == 0x22 || bytes[position] == 0x27))
                        ? bytes[position] : nil
                    if quote != nil { position += 1 }
                    while position < bytes.count {
                        let byte = bytes[position]
                        if let quote, byte == quote { break }
                        if quote == nil && (byte == 0x3B || byte == 0x20 || byte == 0x09 || byte == 0x2C) { break }
                        value.append(byte)
                        position += 1
                    }
                    if !value.isEmpty { return String(decoding: value, as: UTF8.self) }
                }
            }
            index += 1
        }
        return nil
    }
}
