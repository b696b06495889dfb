import Testing

@testable import LinkExtraction

@Suite("Malformed HTML")
struct MalformedHTMLTests {
    @Test("unclosed tags still yield every link")
    func unclosedTags() throws {
        let html = "<html><body><div><p><a href=one>One<li><a href=two>Two<table><td><a href='three'>"
        let result = try streamLinks(html)
        #expect(
            result.links.map(\.url) == [
                "http://example.com/dir/one", "http://example.com/dir/two", "http://example.com/dir/three"
            ])
    }

    @Test("NUL bytes in text, tags and attributes do not stop extraction")
    func nulBytes() throws {
        var html = Array("<p>a\u{0}b</p><a href=\"x\u{0}y\">x</a>\u{0}\u{0}<div\u{0}>".utf8)
        html += Array("<a href=after-nul>after</a>".utf8)
        let result = try streamLinks(html)
        #expect(result.links.map(\.url).contains("http://example.com/dir/after-nul"))
    }

    @Test("links inside an unclosed comment are not found, links before it are")
    func unclosedComment() throws {
        let html = "<a href=before>b</a><!-- <a href=inside>i</a> and never closed <a href=inside2>"
        let result = try streamLinks(html)
        #expect(result.links.map(\.url) == ["http://example.com/dir/before"])
    }

    @Test("links inside closed comments are not found")
    func closedComment() throws {
        let result = try streamLinks("<!-- <a href=hidden> --><a href=shown>s</a>")
        #expect(result.links.map(\.url) == ["http://example.com/dir/shown"])
    }

    @Test("links inside <script> and <style> are not found")
    func scriptContent() throws {
        let html = """
            <script>document.write('<a href="in-script">x</a>'); var s = "</div><a href='in-script2'>";</script>
            <style>a[href="in-style"] { color: red }</style>
            <a href="real">real</a>
            """
        let result = try streamLinks(html)
        #expect(result.links.map(\.url) == ["http://example.com/dir/real"])
    }

    @Test("links after 100,000-deep nesting are found", arguments: [100_000])
    func deepNesting(depth: Int) throws {
        var html = "<html><body><a href=first>f</a>"
        html.reserveCapacity(depth * 12)
        for _ in 0..<depth { html += "<div>" }
        html += "<a href=deepest>d</a>"
        for _ in 0..<depth { html += "</div>" }
        html += "<a href=after-deep>after</a></body></html>"
        let result = try streamLinks(html, chunkSize: 65_536)
        let urls = result.links.map(\.url)
        #expect(urls.contains("http://example.com/dir/first"))
        #expect(urls.contains("http://example.com/dir/deepest"))
        #expect(urls.contains("http://example.com/dir/after-deep"))
    }

    @Test("tree mode (HTMLDocument, restricted LinkExtractor) also reaches links after 100,000-deep nesting")
    func deepNestingTree() throws {
        let depth = 100_000
        var html = "<html><body><div id=r>"
        for _ in 0..<depth { html += "<div>" }
        html += "<a href=deepest>d</a>"
        for _ in 0..<depth { html += "</div>" }
        html += "<a href=after-deep>after</a></div></body></html>"
        let document = try HTMLDocument(string: html, url: WebURL("http://example.com/"))
        #expect(try document.strings(xpath: "//a/@href") == ["deepest", "after-deep"])
        let extractor = try LinkExtractor(restrictXPaths: ["//div[@id='r']"])
        let links = try extractor.extract(from: Array(html.utf8), url: "http://example.com/", contentType: nil)
        #expect(links.map(\.url) == ["http://example.com/deepest", "http://example.com/after-deep"])
    }

    @Test("deep nesting that is never closed still lets later links through")
    func deepUnclosedNesting() throws {
        var html = ""
        for _ in 0..<100_000 { html += "<span><b>" }
        html += "<a href=after-unclosed>x</a>"
        let result = try streamLinks(html, chunkSize: 65_536)
        #expect(result.links.map(\.url) == ["http://example.com/dir/after-unclosed"])
    }

    @Test("a 4 MB attribute value is parsed through and later links found")
    func hugeAttribute() throws {
        let big = String(repeating: "A", count: 4 * 1024 * 1024)
        let html = "<a href=before>b</a><div data-blob=\"\(big)\">x</div><a href=after-blob>a</a>"
        let result = try streamLinks(html, chunkSize: 16_384)
        #expect(result.links.map(\.url) == ["http://example.com/dir/before", "http://example.com/dir/after-blob"])
    }

    @Test("a 4 MB href is counted as invalid, not kept")
    func hugeHref() throws {
        let big = String(repeating: "b", count: 4 * 1024 * 1024)
        let html = "<a href=\"/\(big)\">x</a><a href=after>a</a>"
        let result = try streamLinks(html, chunkSize: 16_384)
        #expect(result.links.map(\.url) == ["http://example.com/dir/after"])
        #expect(result.invalidURLCount == 1)
    }

    @Test("200,000 links on one page are all found when the limit allows")
    func manyLinks() throws {
        var html = "<html><body>"
        for index in 0..<200_000 { html += "<a href=/p\(index)>\(index)</a>\n" }
        html += "</body></html>"
        let options = LinkExtractionOptions(maxLinks: 250_000, maxLinkBytes: 64 << 20)
        let result = try streamLinks(html, options: options, chunkSize: 65_536)
        #expect(result.links.count == 200_000)
        #expect(result.links.last?.url == "http://example.com/p199999")
        #expect(result.links.last?.text == "199999")
    }

    @Test("links beyond the per-page limit are counted, not kept")
    func linkLimit() throws {
        var html = ""
        for index in 0..<200_000 { html += "<a href=/p\(index)>\(index)</a>" }
        let result = try streamLinks(html, chunkSize: 65_536)
        #expect(result.links.count == 100_000)
        #expect(result.excessLinkCount == 100_000)
    }

    @Test("garbage bytes and truncated tags end cleanly")
    func garbage() throws {
        var html: [UInt8] = Array("<a href=ok>ok</a>".utf8)
        var state: UInt64 = 0x1234_5678
        for _ in 0..<200_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            html.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        html += Array("<a href=\"unterminated".utf8)
        let result = try streamLinks(html)
        #expect(result.links.first?.url == "http://example.com/dir/ok")
    }

    @Test("byte-at-a-time feeding gives the same links as one chunk")
    func tinyChunks() throws {
        let html = "<base href='/b/'><a href=x>X</a><a href='?q=1'>Q</a><area href=../y alt=Y><iframe src=//h/i></iframe>"
        let whole = try streamLinks(html, chunkSize: 1 << 20)
        let bytewise = try streamLinks(html, chunkSize: 1)
        #expect(whole.links == bytewise.links)
        #expect(whole.links.map(\.url) == ["http://example.com/b/x", "http://example.com/b/?q=1", "http://example.com/y", "http://h/i"])
    }
}
