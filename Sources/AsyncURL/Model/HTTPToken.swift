/// The `token` grammar of RFC 9110 (section 5.6.2), which method names and
/// header field names must follow: one or more of ``!#$%&'*+-.^_`|~``, digits
/// and letters (no separators, spaces, controls or non-ASCII bytes).
enum HTTPToken {
    /// Whether `text` is a non-empty token.
    static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenCharacter)
    }

    /// Whether `byte` is a `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
