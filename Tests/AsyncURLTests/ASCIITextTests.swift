import AsyncURLSupport
import Testing

/// The byte-level text helpers the fetch core checks every hop with.
@Suite("ASCII text helpers")
struct ASCIITextTests {
    @Test(
        "hasHTTPScheme: http:// or https://, the scheme in any case, and nothing else",
        arguments: [
            ("http://h/", true), ("https://h/", true), ("HTTP://H", true), ("hTtPs://x", true), ("http://", true), ("https://", true),
            ("http:/h", false), ("https:/h", false), ("http:h", false), ("ftp://h", false), ("httpx://h", false), ("http", false),
            ("", false), ("https:", false), ("https", false), ("http ://h", false), (" http://h", false), ("htt://h", false),
            ("httpS:\\\\h", false), ("ｈttp://h", false)
        ])
    func hasHTTPScheme(text: String, expected: Bool) {
        #expect(text.hasHTTPScheme == expected)
        // The generic version (for Substring and other StringProtocol values) agrees.
        #expect(text[...].hasHTTPScheme == expected)
    }
}
