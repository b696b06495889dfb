import Testing

@testable import LinkExtraction

@Suite("Charsets")
struct CharsetTests {
    /// "<a href=/café>café</a>" in ISO-8859-1 / windows-1252.
    let latin1Link: [UInt8] = Array("<a href=/caf".utf8) + [0xE9] + Array(">caf".utf8) + [0xE9] + Array("</a>".utf8)

    @Test("Content-Type charset is used first")
    func headerCharset() throws {
        let result = try streamLinks(latin1Link, contentType: "text/html; charset=ISO-8859-1")
        #expect(result.encoding == "WINDOWS-1252")
        #expect(result.links.first?.url == "http://example.com/caf%C3%A9")
        #expect(result.links.first?.text == "café")
    }

    @Test("the header wins over a conflicting <meta charset>")
    func headerOverMeta() throws {
        let html = Array("<meta charset=\"windows-1252\">".utf8) + Array("<a href=/é>é</a>".utf8)
        let result = try streamLinks(html, contentType: "text/html;charset=\"utf-8\"")
        #expect(result.encoding == "UTF-8")
        #expect(result.links.first?.url == "http://example.com/%C3%A9")
    }

    @Test("a BOM is used when the header names no charset")
    func byteOrderMark() throws {
        let html: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<a href=/ü>ü</a>".utf8)
        let result = try streamLinks(html, contentType: "text/html")
        #expect(result.encoding == "UTF-8")
        #expect(result.links.first?.url == "http://example.com/%C3%BC")
    }

    @Test("UTF-16LE with BOM")
    func utf16() throws {
        var html: [UInt8] = [0xFF, 0xFE]
        for unit in "<a href=/ü>ü</a>".utf16 { html += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let result = try streamLinks(html)
        #expect(result.links.first?.url == "http://example.com/%C3%BC")
    }

    @Test("<meta charset> in the first 1024 bytes", arguments: [1, 7, 4096])
    func metaCharset(chunkSize: Int) throws {
        let html = Array("<html><head><meta charset='latin1'></head><body>".utf8) + latin1Link
        let result = try streamLinks(html, chunkSize: chunkSize)
        #expect(result.encoding == "WINDOWS-1252")
        #expect(result.links.first?.url == "http://example.com/caf%C3%A9")
    }

    @Test("<meta http-equiv=Content-Type content='...charset=...'>")
    func metaHTTPEquiv() throws {
        let html =
            Array("<!-- <meta charset=koi8-r> --><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=Shift_JIS\">".utf8)
            + Array("<a href=/".utf8) + [0x93, 0xFA, 0x96, 0x7B] + Array(">x</a>".utf8)  // 日本 in Shift_JIS
        let result = try streamLinks(html)
        #expect(result.encoding == "CP932")
        #expect(result.links.first?.url == "http://example.com/%E6%97%A5%E6%9C%AC")
    }

    @Test("no declaration: UTF-8 default")
    func defaultUTF8() throws {
        let result = try streamLinks("<a href=/日本>x</a>")
        #expect(result.encoding == "UTF-8")
        #expect(result.links.first?.url == "http://example.com/%E6%97%A5%E6%9C%AC")
    }

    @Test("invalid UTF-8 bytes never stop extraction")
    func invalidBytes() throws {
        var html: [UInt8] = Array("<a href=/one>one</a><p>".utf8)
        html += [0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82, 0x00, 0xF0, 0x90]
        html += Array("</p><a href=/two>two</a>".utf8)
        let result = try streamLinks(html, contentType: "text/html; charset=utf-8")
        #expect(result.links.map(\.url) == ["http://example.com/one", "http://example.com/two"])
    }

    @Test("an unknown charset label falls back to windows-1252")
    func unknownLabel() throws {
        let result = try streamLinks("<a href=/x>x</a>", contentType: "text/html; charset=no-such-charset")
        #expect(result.encoding == "WINDOWS-1252")
        #expect(result.links.first?.url == "http://example.com/x")
    }

    @Test("header parsing and the meta pre-scan")
    func detection() {
        #expect(CharsetDetector.charset(fromContentType: "text/html; Charset = 'EUC-JP' ; x=y") == "EUC-JP")
        #expect(CharsetDetector.charset(fromContentType: "text/html") == nil)
        let bytes = Array("<meta name=x><meta content='text/html;charset=gbk' http-equiv='content-type'>".utf8)
        #expect(bytes.withUnsafeBytes { CharsetDetector.prescanMeta($0) } == "gbk")
        let late = Array((String(repeating: " ", count: 1100) + "<meta charset=koi8-r>").utf8)
        #expect(late.withUnsafeBytes { CharsetDetector.prescanMeta($0) } == nil)
        #expect(CharsetDetector.encodingName(forLabel: " Latin1 ") == "WINDOWS-1252")
    }
}
