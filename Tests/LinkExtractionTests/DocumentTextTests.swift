import LinkExtraction
import Testing

/// `DocumentText` decodes a body exactly as `HTMLDocument` does: the same
/// encoding from the same sources, the byte order mark dropped.
@Suite("Document text decoding")
struct DocumentTextTests {
    @Test("A charset named only in <meta>, a header charset, a UTF-8 BOM and UTF-16: the text matches the document's")
    func matchesDocument() throws {
        let latin1Meta = Array("<meta charset=iso-8859-1><p>caf".utf8) + [0xE9] + Array("</p>".utf8)
        let cases: [(bytes: [UInt8], contentType: String?, word: String)] = [
            (latin1Meta, "text/html", "café"),
            (Array("<p>na".utf8) + [0xEF] + Array("ve</p>".utf8), "text/html; Charset=\"latin1\"", "naïve"),
            ([0xEF, 0xBB, 0xBF] + Array("<p>plain</p>".utf8), nil, "plain"),
            ([0xFF, 0xFE] + Array("<p>wide</p>".utf8).flatMap { [$0, 0] }, nil, "wide")
        ]
        for (bytes, contentType, word) in cases {
            let decoded = DocumentText.decode(bytes, contentType: contentType)
            let document = try HTMLDocument(bytes: bytes, contentType: contentType)
            #expect(decoded.encoding == document.encoding)
            #expect(decoded.text.contains(word), "\(decoded)")
            #expect(!decoded.text.hasPrefix("\u{FEFF}"))
            #expect(try document.strings(xpath: "//p/text()") == [word])
        }
    }
}
