import Testing

@testable import LinkExtraction

/// Charset labels resolved through the WHATWG Encoding Standard's table.
@Suite("Encoding labels")
struct EncodingLabelTests {
    @Test(
        "Labels of the standard's table resolve to its encodings",
        arguments: [
            ("latin1", "WINDOWS-1252"), (" US-ASCII\t", "WINDOWS-1252"), ("iso-8859-1", "WINDOWS-1252"), ("iso-8859-9", "WINDOWS-1254"),
            ("ks_c_5601-1987", "CP949"), ("Shift_JIS", "CP932"), ("x-mac-cyrillic", "MAC-CYRILLIC"), ("iso-8859-8-i", "ISO-8859-8"),
            ("tis-620", "CP874"), ("unicode", "UTF-16LE"), ("utf-16be", "UTF-16BE"), ("gb2312", "GBK"), ("big5", "BIG5-HKSCS"),
            ("iso-2022-kr", "REPLACEMENT"), ("hz-gb-2312", "REPLACEMENT"), ("x-user-defined", "X-USER-DEFINED"), ("koi8_r", "KOI8-R")
        ])
    func knownLabels(label: String, encoding: String) {
        #expect(CharsetDetector.encodingName(forLabel: label) == encoding)
    }

    @Test(
        "Labels outside the table resolve to nothing",
        arguments: [
            "utf-7", "UTF-32", "cp037", "ebcdic-us", "iso-8859-1 ", "x-no-such-charset", "utf-8\0", "latin-1", "IBM1047", ""
        ])
    func unknownLabels(label: String) {
        if label == "iso-8859-1 " {
            // Trailing ASCII whitespace is trimmed: still a label.
            #expect(CharsetDetector.encodingName(forLabel: label) == "WINDOWS-1252")
        } else {
            #expect(CharsetDetector.encodingName(forLabel: label) == nil)
        }
    }

    @Test("Every encoding the table names is one libxml2/iconv can decode (or one decoded here)")
    func everyEncodingDecodes() {
        for name in EncodingLabels.encodingNames where name != "UTF-8" {
            #expect(CharsetDecoder(encoding: name) != nil, "\(name)")
        }
    }

    @Test("A name outside the table never reaches iconv")
    func decoderRefusesOtherNames() {
        for name in ["UTF-7", "CP037", "UTF-32", "IBM1047", "no-such"] {
            #expect(CharsetDecoder(encoding: name) == nil, "\(name)")
        }
    }

    @Test(
        "An unknown label in the header or in <meta> means windows-1252 (é as 0xE9 decodes)",
        arguments: [
            ("text/html; charset=utf-7", ""), ("text/html; charset=x-no-such-charset", ""), ("text/html", "<meta charset=ebcdic-cp-us>")
        ])
    func unknownFallsBackToWindows1252(contentType: String, meta: String) throws {
        let html = Array(meta.utf8) + Array("<a href=/caf".utf8) + [0xE9] + Array(">x</a>".utf8)
        let result = try streamLinks(html, contentType: contentType)
        #expect(result.encoding == "WINDOWS-1252")
        #expect(result.links.first?.url == "http://example.com/caf%C3%A9")
    }

    @Test("An unknown header label gives way to a known <meta> label")
    func unknownHeaderThenMeta() throws {
        let html = Array("<meta charset=koi8-r><a href=/".utf8) + [0xC4] + Array(">x</a>".utf8)  // д in KOI8-R
        let result = try streamLinks(html, contentType: "text/html; charset=bogus")
        #expect(result.encoding == "KOI8-R")
        #expect(result.links.first?.url == "http://example.com/%D0%B4")
    }

    @Test("The replacement encoding gives one U+FFFD for the whole body; x-user-defined maps 0x80-0xFF to U+F780-U+F7FF")
    func builtInEncodings() throws {
        let replaced = try #require(CharsetDecoder(encoding: "REPLACEMENT"))
        let first = [UInt8]("<a href=/x>x</a>".utf8).withUnsafeBytes { replaced.decode($0, isFinal: false) }
        let second = [UInt8]("more".utf8).withUnsafeBytes { replaced.decode($0, isFinal: true) }
        #expect(first == [0xEF, 0xBF, 0xBD])
        #expect(second.isEmpty)
        let userDefined = try #require(CharsetDecoder(encoding: "X-USER-DEFINED"))
        let decoded = [UInt8]([0x41, 0x80, 0xFF]).withUnsafeBytes { userDefined.decode($0, isFinal: true) }
        #expect(String(decoding: decoded, as: UTF8.self) == "A\u{F780}\u{F7FF}")
    }

    @Test(
        "The default encoding option is a label or a table name; anything else means windows-1252",
        arguments: [
            ("latin1", "WINDOWS-1252"), ("CP932", "CP932"), ("shift_jis", "CP932"), ("cp037", "WINDOWS-1252"), ("UTF-7", "WINDOWS-1252")
        ])
    func defaultEncodingOption(option: String, encoding: String) throws {
        let result = try streamLinks("<a href=/x>x</a>", options: LinkExtractionOptions(defaultEncoding: option))
        #expect(result.encoding == encoding)
    }
}
