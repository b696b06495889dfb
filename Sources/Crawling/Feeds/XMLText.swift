/// XML 1.0 text for feed items: escaped character data and element names
/// made from field names.
enum XMLText {
    /// Whether XML 1.0 can carry the scalar at all (`Char` in the spec): not
    /// C0 controls other than tab, LF and CR, not U+FFFE or U+FFFF.
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// `text` as character data: `&`, `<`, `>` (and `"` in an attribute)
    /// escaped, CR kept as `&#13;` (a parser would turn a raw one into LF),
    /// and characters XML 1.0 cannot carry replaced with U+FFFD.
    static func escaped(_ text: String, inAttribute: Bool = false) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"" where inAttribute: result.append(contentsOf: "&quot;".unicodeScalars)
            case "\r": result.append(contentsOf: "&#13;".unicodeScalars)
            case "\n" where inAttribute: result.append(contentsOf: "&#10;".unicodeScalars)
            case "\t" where inAttribute: result.append(contentsOf: "&#9;".unicodeScalars)
            default: result.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return String(result)
    }

    /// An element name for a field name: ASCII letters, digits, `_`, `-` and
    /// `.` kept, anything else `_`, and a leading `_` when the name would not
    /// start with a letter or `_` (an empty name becomes `_`).
    static func elementName(for key: String) -> String {
        var name = String.UnicodeScalarView()
        for scalar in key.unicodeScalars {
            let isNameScalar =
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar))
            name.append(isNameScalar ? scalar : "_")
        }
        if let first = name.first, first.properties.isAlphabetic || first == "_" { return String(name) }
        return "_" + String(name)
    }
}
