// libFuzzer harness: HTML bytes → streaming link extraction, LinkExtractor, HTMLDocument.
import FuzzSupport
import LinkExtraction

/// Document URLs the input is extracted from (the input picks one).
private let documentURLs = [
    "http://example.com/dir/page.html",
    "https://user:pw@[::1]:8443/a/b/?q=1#top",
    "http://127.0.0.1/",
    "http://xn--caf-dma.example/%7Euser/index.php?x",
]

/// `Content-Type` header values (nil: no header, so the charset is sniffed).
private let contentTypes: [String?] = [
    nil, "text/html; charset=utf-8", "text/html; charset=iso-8859-1", "text/html;charset=Shift_JIS",
    "text/html; charset=utf-16le", "text/html; charset=bogus",
]

/// Checks the invariants of links that came out of any extractor.
private func checkLinks(_ links: [Link], options: LinkExtractionOptions, httpOnly: Bool, origin: String) {
    require(links.count <= options.maxLinks, "\(origin): \(links.count) links > maxLinks \(options.maxLinks)")
    for link in links {
        let url = link.resolvedURL
        require(link.url == url.href, "\(origin): url \(link.url) != href \(url.href)")
        require(url.fragment == nil, "\(origin): fragment left in \(url.href)")
        require(link.text.count <= options.maxAnchorTextLength, "\(origin): anchor text too long: \(link.text.count)")
        if httpOnly {
            require(url.scheme == "http" || url.scheme == "https", "\(origin): scheme of \(url.href)")
            require(!(url.host ?? "").isEmpty, "\(origin): no host in \(url.href)")
        }
        guard let reparsed = WebURL(url.href) else {
            require(false, "\(origin): \(url.href) does not re-parse")
            return
        }
        require(reparsed == url, "\(origin): \(url.href) re-parses to \(reparsed.href) (components differ)")
    }
}

/// One libFuzzer input; returns 0 (an invariant violation traps).
func fuzzLinks(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    guard let documentURL = WebURL(documentURLs[input.next(below: documentURLs.count)]) else { return 0 }
    let contentType = contentTypes[input.next(below: contentTypes.count)]
    var options = LinkExtractionOptions()
    options.includesImages = input.next(below: 2) == 0
    options.includesScripts = input.next(below: 2) == 0
    options.maxLinks = 1 + input.next(below: 64)
    options.maxAnchorTextLength = input.next(below: 40)
    options.maxURLLength = 8 + input.next(below: 4096)

    // Streaming, fed in random-sized chunks, versus the whole body in one piece.
    let chunked = StreamingLinkExtractor(documentURL: documentURL, contentType: contentType, options: options)
    let chunks = input.chunks(maxChunk: 1 + input.next(below: 700))
    for chunk in chunks {
        chunked.feed(chunk)
    }
    let chunkedResult = chunked.finish()
    let again = chunked.finish()
    require(again.links == chunkedResult.links, "finish() twice gave different links")
    checkLinks(chunkedResult.links, options: options, httpOnly: false, origin: "streaming")
    require(chunkedResult.byteCount == size, "byteCount \(chunkedResult.byteCount) != \(size)")

    let whole = StreamingLinkExtractor(documentURL: documentURL, contentType: contentType, options: options)
    whole.feed(input.bytes)
    let wholeResult = whole.finish()
    // Chunking must not change the links. Exception (libxml2 2.9.14's push parser, not ours):
    // when a chunk ends inside a tag, libxml2 looks for the tag's `>` with a simpler model of
    // quotes than its tokenizer uses, so a stray quote (`<a href=x"y ...`) or an unterminated
    // quoted value makes the result depend on where chunks end. Inputs with quotes are skipped.
    let hasQuotes = input.bytes.contains(0x22) || input.bytes.contains(0x27)
    require(
        hasQuotes || wholeResult.links.map(\.url) == chunkedResult.links.map(\.url),
        """
        chunked \(chunkedResult.links.map(\.url)) != whole \(wholeResult.links.map(\.url)) \
        (document \(documentURL), content type \(contentType ?? "none"), chunks \(chunks.prefix(8).map(\.count))...)
        """)

    // Scrapy-style extractor with its default filters (http/https only), streaming and tree mode.
    if let extractor = try? LinkExtractor(options: options) {
        if let links = try? extractor.extract(from: input.bytes, url: documentURL.href, contentType: contentType) {
            checkLinks(links, options: options, httpOnly: true, origin: "LinkExtractor")
        }
    }
    if let restricted = try? LinkExtractor(options: options, restrictXPaths: ["//body"], restrictCSS: ["div, p > a"]) {
        if let links = try? restricted.extract(from: input.bytes, url: documentURL.href, contentType: contentType) {
            checkLinks(links, options: options, httpOnly: true, origin: "LinkExtractor(restricted)")
        }
    }

    // Tree queries.
    guard let document = try? HTMLDocument(bytes: input.bytes, url: documentURL, contentType: contentType) else {
        return 0
    }
    let anchors = (try? document.xpath("//a[@href]")) ?? []
    let cssAnchors = (try? document.css("a[href]")) ?? []
    require(anchors.count == cssAnchors.count, "xpath //a[@href] \(anchors.count) != css a[href] \(cssAnchors.count)")
    for anchor in anchors.prefix(16) {
        _ = anchor.attribute("href")
        _ = anchor.text
        _ = anchor.attributes
        _ = try? anchor.xpath("ancestor::*")
    }
    _ = try? document.evaluate("count(//*)")
    _ = try? document.css("ul > li:nth-child(2n+1), p + p, div ~ span::text, img::attr(src)")
    _ = try? document.strings(xpath: "//title/text()")
    _ = document.root?.html.utf8.count
    // A selector taken from the input's first line (most are rejected; none may crash).
    if let newline = input.bytes.firstIndex(of: 0x0A), newline <= 64 {
        _ = try? document.css(String(decoding: input.bytes[..<newline], as: UTF8.self))
    }
    return 0
}
