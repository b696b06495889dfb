import Testing

@testable import LinkExtraction

@Suite("Link extraction rules")
struct LinkExtractorTests {
    let page = "http://example.com/dir/page.html"

    @Test("collects a, area, link (listed rels), iframe and frame; not img/script by default")
    func elements() throws {
        let html = """
            <html><head>
            <link rel="stylesheet" href="/style.css"><link rel="alternate" hreflang="de" href="/de/">
            <link rel="Next" href="page2.html"><link rel="canonical" href="http://example.com/canonical">
            <link rel="prev" href="page0.html"><link rel="icon" href="/favicon.ico">
            <script src="/app.js"></script></head><body>
            <a href="a.html">A</a><map><area href="area.html" alt="Area"></map>
            <iframe src="frame.html"></iframe><frameset><frame src="f2.html"></frameset>
            <img src="pic.png" alt="pic">
            </body></html>
            """
        let result = try streamLinks(html, url: page)
        let found = result.links.map { "\($0.tag)@\($0.attribute) \($0.url)" }
        #expect(
            found == [
                "link@href http://example.com/de/",
                "link@href http://example.com/dir/page2.html",
                "link@href http://example.com/canonical",
                "link@href http://example.com/dir/page0.html",
                "a@href http://example.com/dir/a.html",
                "area@href http://example.com/dir/area.html",
                "iframe@src http://example.com/dir/frame.html",
                "frame@src http://example.com/dir/f2.html"
            ])
    }

    @Test("img[src] and script[src] when enabled")
    func optionalElements() throws {
        let html = "<script src='/app.js'></script><img src='pic.png' alt='A picture'>"
        let options = LinkExtractionOptions(includesImages: true, includesScripts: true)
        let result = try streamLinks(html, url: page, options: options)
        #expect(result.links.map(\.url) == ["http://example.com/app.js", "http://example.com/dir/pic.png"])
        #expect(result.links.last?.text == "A picture")
    }

    @Test("the first <base href> applies to all links, resolved against the document URL")
    func baseHref() throws {
        let html = """
            <a href="before">b</a><base href="/other/sub/"><base href="http://ignored.example/"><a href="../x?y=1">x</a>
            """
        let result = try streamLinks(html, url: page)
        #expect(result.baseURL.href == "http://example.com/other/sub/")
        #expect(result.links.map(\.url) == ["http://example.com/other/sub/before", "http://example.com/other/x?y=1"])
    }

    @Test("nofollow is recorded per link, meta robots per page")
    func nofollow() throws {
        let html = """
            <meta name="ROBOTS" content="noindex, NoFollow">
            <a href="a" rel="nofollow">a</a><a href="b" rel="external NOFOLLOW noopener">b</a><a href="c">c</a>
            """
        let result = try streamLinks(html, url: page)
        #expect(result.links.map(\.isNofollow) == [true, true, false])
        #expect(result.isNofollowPage)
        let plain = try streamLinks("<a href=x>x</a>", url: page)
        #expect(!plain.isNofollowPage)
    }

    @Test("anchor text is collected with whitespace collapsed and bounded")
    func anchorText() throws {
        let long = String(repeating: "é", count: 1000)
        let html = "<a href=a>  Hello <b>bold</b>\n\t world </a><a href=b>\(long)</a><a href=c><img src=x alt=y></a>"
        let result = try streamLinks(html, url: page)
        #expect(result.links.map(\.text) == ["Hello bold world", String(repeating: "é", count: 256), ""])
    }

    @Test("javascript:, mailto:, tel:, data: and fragment-only links are skipped and counted")
    func skipped() throws {
        let html = """
            <a href="javascript:void(0)">j</a><a href=" JavaScript:alert(1)">j2</a><a href="mailto:a@b.c">m</a>
            <a href="tel:+123">t</a><a href="data:text/html,hi">d</a><a href="#top">f</a><a href=" #x">f2</a>
            <a href="ok.html#section">ok</a><a href="">self</a><a>no href</a>
            """
        let result = try streamLinks(html, url: page)
        #expect(result.links.map(\.url) == ["http://example.com/dir/ok.html", "http://example.com/dir/page.html"])
        #expect(result.skippedSchemeCount == 5)
        #expect(result.skippedFragmentCount == 2)
    }

    @Test("invalid URLs are counted, not kept")
    func invalid() throws {
        let result = try streamLinks("<a href='http://exa mple.com/'>x</a><a href='http://[::1'>y</a><a href=z>z</a>", url: page)
        #expect(result.links.map(\.url) == ["http://example.com/dir/z"])
        #expect(result.invalidURLCount == 2)
    }

    @Test("entities in attribute values are decoded before resolution")
    func entities() throws {
        let result = try streamLinks("<a href='/s?a=1&amp;b=2&lt;'>x</a>", url: page)
        #expect(result.links.first?.url == "http://example.com/s?a=1&b=2%3C")
    }

    @Test("an invalid document URL is a typed error")
    func invalidDocumentURL() {
        #expect(throws: LinkExtractionError.invalidDocumentURL("not a url")) {
            _ = try StreamingLinkExtractor(documentURL: "not a url", contentType: nil)
        }
    }

    @Test("finish() twice returns the same result and later feeds are ignored")
    func finishTwice() throws {
        let extractor = try StreamingLinkExtractor(documentURL: page, contentType: "text/html")
        extractor.feed(Array("<a href=a>a</a>".utf8))
        let first = extractor.finish()
        extractor.feed(Array("<a href=b>b</a>".utf8))
        #expect(extractor.finish().links == first.links)
        #expect(first.links.count == 1)
    }

    // MARK: LinkExtractor filters

    let filterPage = """
        <html><body>
        <div id="nav"><a href="/nav/1">n1</a><a href="http://other.org/x">o</a></div>
        <div class="content main"><a href="/item/1?utm_source=x">i1</a><a href="/item/1?utm_source=x#frag">dup</a>
        <a href="/item/2.PDF">pdf</a><a href="/img/a.jpg">jpg</a><a href="http://sub.example.com/s">sub</a>
        <a href="ftp://example.com/f">ftp</a><a href="/private/x">p</a></div>
        </body></html>
        """

    @Test("LinkExtractor: unique, denied extensions and schemes by default")
    func defaults() throws {
        let extractor = try LinkExtractor()
        let links = try extractor.extract(from: Array(filterPage.utf8), url: "http://example.com/", contentType: nil)
        #expect(
            links.map(\.url) == [
                "http://example.com/nav/1", "http://other.org/x", "http://example.com/item/1?utm_source=x",
                "http://sub.example.com/s", "http://example.com/private/x"
            ])
    }

    @Test("LinkExtractor: full result with counters and page nofollow")
    func fullResult() throws {
        let html = "<meta name=robots content=nofollow><a href='mailto:x@y'>m</a><a href=/a>a</a><a href=/a>again</a>"
        let result = try LinkExtractor().extractResult(from: Array(html.utf8), url: "http://example.com/", contentType: nil)
        #expect(result.links.map(\.url) == ["http://example.com/a"])
        #expect(result.isNofollowPage)
        #expect(result.skippedSchemeCount == 1)
    }

    @Test("LinkExtractor: allow/deny patterns")
    func patterns() throws {
        let extractor = try LinkExtractor(allow: ["/item/", "/private/"], deny: ["private"])
        let links = try extractor.extract(from: Array(filterPage.utf8), url: "http://example.com/", contentType: nil)
        #expect(links.map(\.url) == ["http://example.com/item/1?utm_source=x"])
    }

    @Test("LinkExtractor: allowed and denied domains match subdomains")
    func domains() throws {
        let allowed = try LinkExtractor(allowedDomains: ["example.com"], deniedDomains: ["sub.example.com"])
        let links = try allowed.extract(from: Array(filterPage.utf8), url: "http://example.com/", contentType: nil)
        #expect(
            links.map(\.url) == [
                "http://example.com/nav/1", "http://example.com/item/1?utm_source=x", "http://example.com/private/x"
            ])
    }

    @Test("LinkExtractor: restrict to XPath and CSS regions")
    func restrict() throws {
        let byXPath = try LinkExtractor(restrictXPaths: ["//div[@id='nav']"])
        let xpathLinks = try byXPath.extract(from: Array(filterPage.utf8), url: "http://example.com/", contentType: nil)
        #expect(xpathLinks.map(\.url) == ["http://example.com/nav/1", "http://other.org/x"])
        #expect(xpathLinks.map(\.text) == ["n1", "o"])
        let byCSS = try LinkExtractor(allowedDomains: ["example.com"], restrictCSS: ["div.main"])
        let cssLinks = try byCSS.extract(from: Array(filterPage.utf8), url: "http://example.com/", contentType: nil)
        #expect(
            cssLinks.map(\.url) == [
                "http://example.com/item/1?utm_source=x", "http://sub.example.com/s", "http://example.com/private/x"
            ])
    }

    @Test("LinkExtractor: restricted regions still honour <base href>")
    func restrictWithBase() throws {
        let html = "<head><base href='http://cdn.example.net/b/'></head><div id=r><a href=x>x</a></div>"
        let extractor = try LinkExtractor(restrictXPaths: ["//div[@id='r']"])
        let links = try extractor.extract(from: Array(html.utf8), url: "http://example.com/", contentType: nil)
        #expect(links.map(\.url) == ["http://cdn.example.net/b/x"])
    }

    @Test("LinkExtractor: bad patterns and XPaths are typed errors")
    func errors() throws {
        let error = #expect(throws: LinkExtractor.PatternError.self) { _ = try LinkExtractor(deny: ["/ok/", "(unclosed"]) }
        #expect(error?.pattern == "(unclosed")
        #expect(error?.description.hasPrefix("invalid pattern \"(unclosed\": ") == true)
        let extractor = try LinkExtractor(restrictXPaths: ["//div[@id="])
        #expect(throws: LinkExtractionError.invalidRestrictXPath(expression: "//div[@id=", url: "http://example.com/")) {
            _ = try extractor.extract(from: Array(filterPage.utf8), url: "http://example.com/", contentType: nil)
        }
    }

    @Test("one LinkExtractor shared by concurrent tasks, each with its own parser")
    func concurrentUse() async throws {
        let extractor = try LinkExtractor()
        let body = Array(filterPage.utf8)
        let counts = await withTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask {
                    (try? extractor.extract(from: body, url: "http://example.com/\(index)/", contentType: nil).count) ?? -1
                }
            }
            var counts: [Int] = []
            for await count in group { counts.append(count) }
            return counts
        }
        #expect(counts == Array(repeating: 5, count: 16))
    }

    @Test("path extension detection")
    func extensions() {
        #expect(LinkExtractor.pathExtension(of: "/a/b.PDF") == "pdf")
        #expect(LinkExtractor.pathExtension(of: "/a.b/c") == nil)
        #expect(LinkExtractor.pathExtension(of: "/.hidden") == nil)
        #expect(LinkExtractor.pathExtension(of: "/") == nil)
    }
}
