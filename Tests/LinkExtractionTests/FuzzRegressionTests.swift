import Testing

@testable import LinkExtraction

/// Inputs the fuzzers (`scripts/fuzz.sh`) found, minimised by hand; each failed before its fix.
@Suite("Fuzz regressions: link extraction")
struct FuzzRegressionTests {
    /// fuzz-links: a windows-1252 page with a byte the code page leaves undefined (0x9D, as
    /// in a UTF-8 "”" served as ISO-8859-1). libxml2's decoder stopped at that byte, and
    /// its push parser then also dropped the markup it had buffered: fed in small chunks,
    /// the page gave no links at all; in one piece, none after the byte.
    static let undefinedByte: [UInt8] =
        Array(#"<html><body><a href="/before">b</a><p>sum"#.utf8) + [0x93, 0x9D]
        + Array(#"ry</p><a href="/after">a</a></body></html>"#.utf8)

    @Test("an undefined windows-1252 byte loses no link, in any chunk size", arguments: [1, 7, 64, 4096])
    func undefinedWindows1252Byte(chunkSize: Int) throws {
        let result = try streamLinks(
            Self.undefinedByte, contentType: "text/html; charset=iso-8859-1", chunkSize: chunkSize)
        #expect(result.encoding == "WINDOWS-1252")
        #expect(result.links.map(\.url) == ["http://example.com/before", "http://example.com/after"])
    }

    @Test("the undefined windows-1252 bytes 0x80-0x9F decode to C1 controls, as in the WHATWG tables")
    func undefinedBytesBecomeC1Controls() throws {
        let html: [UInt8] = Array("<a href=/x".utf8) + [0x81, 0x8D, 0x80] + Array(">x</a>".utf8)
        let result = try streamLinks(html, contentType: "text/html; charset=windows-1252", chunkSize: 3)
        // 0x81 → U+0081, 0x8D → U+008D, 0x80 → U+20AC (€).
        #expect(result.links.map(\.url) == ["http://example.com/x%C2%81%C2%8D%E2%82%AC"])
    }

    @Test("bytes that are not Shift_JIS become U+FFFD and parsing goes on")
    func invalidShiftJIS() throws {
        let html: [UInt8] = Array("<a href=/one>1</a>".utf8) + [0x81, 0x20, 0xFF] + Array("<a href=/two>2</a>".utf8)
        for chunkSize in [1, 5, 4096] {
            let result = try streamLinks(html, contentType: "text/html; charset=shift_jis", chunkSize: chunkSize)
            #expect(result.links.map(\.url) == ["http://example.com/one", "http://example.com/two"])
        }
    }

    @Test("a UTF-16 sequence split between chunks, and a lone surrogate, are decoded")
    func utf16Boundaries() throws {
        var html: [UInt8] = []
        for unit in "<a href=/é>x</a>".utf16 { html += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        html += [0x00, 0xD8]  // a high surrogate with no low surrogate
        for unit in "<a href=/z>z</a>".utf16 { html += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        for chunkSize in [1, 3, 4096] {
            let result = try streamLinks(html, contentType: "text/html; charset=utf-16le", chunkSize: chunkSize)
            #expect(result.links.map(\.url) == ["http://example.com/%C3%A9", "http://example.com/z"])
        }
    }

    @Test("tree mode (HTMLDocument) also reads past an undefined byte")
    func treeModeUndefinedByte() throws {
        let document = try HTMLDocument(
            bytes: Self.undefinedByte, url: WebURL("http://example.com/"), contentType: "text/html; charset=iso-8859-1")
        #expect(document.encoding == "WINDOWS-1252")
        #expect(try document.strings(xpath: "//a/@href") == ["/before", "/after"])
        #expect(try document.strings(xpath: "//p/text()") == ["sum\u{201C}\u{9D}ry"])
    }
}
