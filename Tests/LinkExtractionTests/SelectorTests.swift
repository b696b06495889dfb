import Testing

@testable import LinkExtraction

@Suite("Selectors")
struct SelectorTests {
    let html = """
        <html><head><title>The Title</title></head><body>
        <h1>Heading <em>one</em></h1>
        <ul id="list">
          <li class="item first"><a href="/1" data-x="a">One</a></li>
          <li class="item"><a href="/2">Two</a></li>
          <li class="item special"><a href="/3" rel="nofollow">Three</a></li>
          <li class="other">Four</li>
        </ul>
        <p lang="en-US">It's "quoted"</p><p>second</p>
        </body></html>
        """

    func document() throws -> HTMLDocument {
        try HTMLDocument(string: html, url: WebURL("http://example.com/"))
    }

    @Test("XPath text nodes, attributes and node sets")
    func xpath() throws {
        let document = try document()
        #expect(try document.strings(xpath: "//h1/text()") == ["Heading "])
        #expect(try document.strings(xpath: "//a/@href") == ["/1", "/2", "/3"])
        let items = try document.xpath("//li")
        #expect(items.count == 4)
        #expect(items.first?.kind == .element)
        #expect(items.first?.name == "li")
        #expect(try document.xpath("//a/@href").first?.kind == .attribute)
        #expect(try document.xpath("//title/text()").first?.kind == .text)
    }

    @Test("nested queries are relative to the node")
    func nested() throws {
        let document = try document()
        let third = try #require(try document.xpath("//li").dropFirst(2).first)
        #expect(try third.xpath("./a/text()").map(\.text) == ["Three"])
        #expect(try third.xpath(".//a").first?.attribute("rel") == "nofollow")
        #expect(try third.css("a").map(\.text) == ["Three"])
    }

    @Test("evaluate returns strings, numbers and booleans")
    func evaluate() throws {
        let document = try document()
        #expect(try document.evaluate("count(//a)").stringValue == "3")
        #expect(try document.evaluate("string(//title)").stringValue == "The Title")
        if case .boolean(let value) = try document.evaluate("boolean(//form)") {
            #expect(value == false)
        } else {
            Issue.record("expected a boolean")
        }
    }

    @Test("node properties: text, attributes, children, html")
    func nodeProperties() throws {
        let document = try document()
        let h1 = try #require(try document.xpath("//h1").first)
        #expect(h1.text == "Heading one")
        #expect(h1.children.map(\.name) == ["em"])
        #expect(h1.html == "<h1>Heading <em>one</em></h1>")
        let anchor = try #require(try document.xpath("//a").first)
        #expect(anchor.attributes.map(\.name) == ["href", "data-x"])
        #expect(anchor.attribute("missing") == nil)
        #expect(document.root?.name == "html")
    }

    @Test("invalid XPath is a typed error")
    func invalidXPath() throws {
        let document = try document()
        #expect(throws: SelectorError.invalidXPath("//a[")) { _ = try document.xpath("//a[") }
        #expect(throws: SelectorError.invalidXPath("count(//a)")) { _ = try document.xpath("count(//a)") }
    }

    @Test("CSS: tag, #id, .class, attributes, combinators")
    func css() throws {
        let document = try document()
        #expect(try document.css("a").count == 3)
        #expect(try document.css("#list > li").count == 4)
        #expect(try document.css("li.item").count == 3)
        #expect(try document.css(".item.special a").map(\.text) == ["Three"])
        #expect(try document.css("a[rel]").map(\.text) == ["Three"])
        #expect(try document.css("a[href='/2']").map(\.text) == ["Two"])
        #expect(try document.css("a[href^='/']").count == 3)
        #expect(try document.css("a[data-x$=a]").count == 1)
        #expect(try document.css("a[href*=\"3\"]").map(\.text) == ["Three"])
        #expect(try document.css("li[class~=special]").count == 1)
        #expect(try document.css("p[lang|=en]").count == 1)
        #expect(try document.css("ul a").count == 3)
        #expect(try document.css("body > a").isEmpty)
        #expect(try document.css("li.first + li").map(\.text) == ["Two"])
        #expect(try document.css("li.first ~ li").count == 3)
        #expect(try document.css("h1, title").map(\.name) == ["title", "h1"])
        #expect(try document.css("*").count > 10)
    }

    @Test("CSS: :nth-child, :first-child, :last-child")
    func nthChild() throws {
        let document = try document()
        #expect(try document.css("li:nth-child(2)").map { $0.text.trimmingASCIIWhitespace() } == ["Two"])
        #expect(try document.css("li:nth-child(odd)").count == 2)
        #expect(try document.css("li:nth-child(2n+1)").count == 2)
        #expect(try document.css("li:nth-child(-n+3)").count == 3)
        #expect(try document.css("li:first-child a").map(\.text) == ["One"])
        #expect(try document.css("li:last-child").map(\.text) == ["Four"])
    }

    @Test("CSS ::text and ::attr() pseudo-elements")
    func pseudoElements() throws {
        let document = try document()
        #expect(try document.css("li a::text").map(\.text) == ["One", "Two", "Three"])
        #expect(try document.css("a::attr(href)").map(\.text) == ["/1", "/2", "/3"])
    }

    @Test("CSS translation of quotes and unsupported syntax")
    func translation() throws {
        #expect(try CSSSelector.translate("p[title=\"it's\"]") == "descendant-or-self::p[@title = \"it's\"]")
        #expect(CSSSelector.literal("a'b\"c") == "concat('a', \"'\", 'b\"c')")
        #expect(throws: SelectorError.self) { _ = try CSSSelector.translate("a:hover") }
        #expect(throws: SelectorError.self) { _ = try CSSSelector.translate("a[") }
        #expect(throws: SelectorError.self) { _ = try CSSSelector.translate("") }
        #expect(throws: SelectorError.self) { _ = try CSSSelector.translate("a >") }
    }

    @Test("documents from empty, binary and non-UTF-8 input")
    func oddInput() throws {
        let empty = try HTMLDocument(bytes: [UInt8](), url: nil)
        #expect(try empty.xpath("//a").isEmpty)
        let latin1 = try HTMLDocument(bytes: Array("<p>caf".utf8) + [0xE9] + Array("</p>".utf8), contentType: "text/html; charset=latin1")
        #expect(try latin1.strings(xpath: "//p/text()") == ["café"])
        let binary = try HTMLDocument(bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        _ = try binary.xpath("//*")
    }

    @Test("nodes keep their document alive")
    func lifetime() throws {
        var nodes: [HTMLNode] = []
        do {
            let document = try HTMLDocument(string: "<a href=x>kept</a>")
            nodes = try document.xpath("//a")
        }
        #expect(nodes.first?.text == "kept")
    }
}
