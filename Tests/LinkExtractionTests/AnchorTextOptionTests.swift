import Testing

@testable import LinkExtraction

/// `LinkExtractionOptions.collectsAnchorText`: without it the links are the
/// same, only their text is empty.
@Suite("Anchor text collection can be turned off")
struct AnchorTextOptionTests {
    private let page = """
        <html><head><base href="/root/"><link rel="next" href="page2.html"></head><body>
        <p>Some text <a href="a.html">First   link</a> and <a href="b.html" rel="nofollow">Second <b>bold</b></a>.</p>
        <map><area href="c.html" alt="An area"></map><img src="i.png" alt="An image">
        <a href="#top">top</a> <a href="mailto:x@example.com">mail</a> <a href="a.html?q=1#frag">again</a>
        <iframe src="frame.html"></iframe><a href="d.html"></a>
        </body></html>
        """

    /// The links without their text: what must not depend on the option.
    private func withoutText(_ links: [Link]) -> [String] {
        links.map { "\($0.tag) \($0.attribute) \($0.url) \($0.isNofollow)" }
    }

    @Test("Streaming: the same links in the same order, every text empty")
    func streamingLinksAreTheSameWithoutText() throws {
        var options = LinkExtractionOptions(includesImages: true)
        let withText = try streamLinks(page, options: options, chunkSize: 7)
        options.collectsAnchorText = false
        let textless = try streamLinks(page, options: options, chunkSize: 7)
        #expect(withText.links.map(\.text) == ["", "First link", "Second bold", "An area", "An image", "again", "", ""])
        #expect(textless.links.count == withText.links.count)
        #expect(withoutText(textless.links) == withoutText(withText.links))
        #expect(textless.links.allSatisfy { $0.text.isEmpty })
        #expect(textless.skippedSchemeCount == withText.skippedSchemeCount)
        #expect(textless.skippedFragmentCount == withText.skippedFragmentCount)
    }

    @Test("Tree mode (restricted regions): the same links, every text empty")
    func treeModeLinksAreTheSameWithoutText() throws {
        var options = LinkExtractionOptions(includesImages: true)
        let withText = try LinkExtractor(options: options, restrictCSS: ["body"])
            .extract(from: Array(page.utf8), url: "http://example.com/dir/page.html", contentType: "text/html")
        options.collectsAnchorText = false
        let textless = try LinkExtractor(options: options, restrictCSS: ["body"])
            .extract(from: Array(page.utf8), url: "http://example.com/dir/page.html", contentType: "text/html")
        #expect(withText.contains { $0.text == "First link" })
        #expect(withoutText(textless) == withoutText(withText))
        #expect(textless.allSatisfy { $0.text.isEmpty })
    }

    @Test("Without text, anchor text takes no part in the page's link-bytes cap")
    func textDoesNotCountTowardsTheByteCap() throws {
        let longText = String(repeating: "x", count: 200)
        let html = (0..<10).map { "<a href=\"/p\($0)\">\(longText)</a>" }.joined()
        var options = LinkExtractionOptions(maxLinkBytes: 300)
        let withText = try streamLinks(html, options: options)
        options.collectsAnchorText = false
        let textless = try streamLinks(html, options: options)
        #expect(withText.links.count < 10)
        #expect(textless.links.count == 10)
    }
}
