import CLibXML2
import Testing

@testable import LinkExtraction

/// libxml2 keeps its own limits on for streaming extraction; the tree parser's input is capped.
@Suite("libxml2 limits")
struct LibXML2LimitTests {
    @Test("The streaming parser runs without XML_PARSE_HUGE")
    func noHugeOption() {
        #expect(LibXML2.htmlOptions & Int32(XML_PARSE_HUGE.rawValue) == 0)
    }

    @Test("A 12 MB text node (past libxml2's 10,000,000-byte text limit) is parsed through without HUGE: links on both sides found")
    func hugeTextNode() throws {
        let big = String(repeating: "x", count: 12_000_000)
        let html = "<a href=before>b</a><p>\(big)</p><a href=after>a</a>"
        let result = try streamLinks(html, chunkSize: 1 << 20)
        #expect(result.links.map(\.url) == ["http://example.com/dir/before", "http://example.com/dir/after"])
    }

    @Test("A tree is built from at most maxBytes of input (32 MiB by default); more is a typed error")
    func treeInputCap() throws {
        let html = "<html><body>" + String(repeating: "<p><a href=/x>x</a></p>", count: 100) + "</body></html>"
        let document = try HTMLDocument(string: html, maxBytes: html.utf8.count)
        #expect(try document.strings(xpath: "//a/@href").count == 100)
        #expect(throws: SelectorError.tooLarge(url: "http://example.com/", bytes: html.utf8.count, limit: html.utf8.count - 1)) {
            try HTMLDocument(string: html, url: WebURL("http://example.com/"), maxBytes: html.utf8.count - 1)
        }
        #expect(HTMLDocument.defaultMaxBytes == 32 << 20)
    }
}
