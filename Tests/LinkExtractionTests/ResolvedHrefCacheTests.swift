import Testing

@testable import LinkExtraction

/// Hrefs resolved on earlier pages are reused only where they resolve alike,
/// and the cache stays within its bounds.
@Suite("Hrefs shared across pages")
struct ResolvedHrefCacheTests {
    /// Hrefs whose resolution depends on the base in every way the cache must respect.
    private static let hrefs = [
        "y.html", "../up.html", "./", ".", "..", "/root.html", "//other.example/p", "http:relative", "https://abs.example/a?b#c",
        "?q=1", "#top", "", "  ?spaced", "\t#tabbed", "sub/z.html?x=1#f", "mailto:someone@example.com", "%7Euser/", " y.html ",
        "../../deep.html", "../a/b.html#frag", "y.html#frag", "y.html #frag", "y.html\t#frag", "y.html?q #f", "../", "../..",
        String(repeating: "../", count: 10) + "x.html", "../%2e%2e/x.html", "..\\x.html", "../\t../x.html", "./../x.html#",
        "mailto:a #b", "http://other.example/p #f", "../?q#f", "../#f", "caf\u{E9}.html#x", "../\u{FC}ber/y.html"
    ]

    /// The links of a page at `documentURL` linking to every href of `hrefs`, and to `extra`.
    private func links(at documentURL: String, base: String? = nil, extra: [String] = [], cache: ResolvedHrefCache?) throws -> [String] {
        let anchors = (Self.hrefs + extra).map { "<a href=\"\($0)\">x</a>" }.joined()
        let head = base.map { "<base href=\"\($0)\">" } ?? ""
        let extractor = try StreamingLinkExtractor(documentURL: documentURL, contentType: "text/html", options: LinkExtractionOptions())
        let shared = try #require(WebURL(documentURL))
        let cached = StreamingLinkExtractor(documentURL: shared, contentType: "text/html", sharedHrefs: cache)
        let page = Array("<html><head>\(head)</head><body>\(anchors)</body></html>".utf8)
        extractor.feed(page)
        cached.feed(page)
        let plain = extractor.finish().links.map(\.url)
        #expect(cached.finish().links.map(\.url) == plain, "at \(documentURL)")
        return plain
    }

    @Test("Pages of one directory, of others, with a query, a fragment or a <base href> get the links they would get without the cache")
    func sameLinksAsWithout() throws {
        let cache = ResolvedHrefCache()
        let pages = [
            "http://site.example/a/x.html", "http://site.example/a/z.html?p=2", "http://site.example/a/x.html#frag",
            "http://site.example/b/x.html", "http://site.example/a/", "https://site.example/a/x.html", "http://site.example:8080/a/x.html",
            "http://user:pw@site.example/a/x.html", "http://site.example/a/x.html", "http://site.example/",
            "http://site.example/a/b/c/x.html", "http://site.example/a/b/x.html?q", "http://site.example/b/c/x.html",
            "http://site.example/a//b/x.html", "http://site.example//x.html"
        ]
        // Twice over, so every page's hrefs are served from the cache the second time.
        for _ in 0..<2 {
            for page in pages { _ = try links(at: page, cache: cache) }
        }
        _ = try links(at: "http://site.example/a/x.html", base: "/c/", cache: cache)
        _ = try links(at: "http://site.example/c/x.html", cache: cache)
        #expect(cache.count > 0)
        // The same href under two directories resolves to two URLs.
        let first = try links(at: "http://site.example/a/x.html", cache: cache)
        let second = try links(at: "http://site.example/b/x.html", cache: cache)
        #expect(first.contains("http://site.example/a/y.html") && second.contains("http://site.example/b/y.html"))
        #expect(first.contains("http://site.example/a/x.html?q=1"))
    }

    @Test("Over its bounds the cache drops the directories used least recently, and one page keeps at most the per-directory bound")
    func staysWithinBounds() throws {
        let cache = ResolvedHrefCache(maxEntries: 300, maxEntriesPerDirectory: 100)
        for directory in 0..<20 {
            let extra = (0..<150).map { "page-\(directory)-\($0).html" }
            _ = try links(at: "http://site.example/d\(directory)/index.html", extra: extra, cache: cache)
            #expect(cache.count <= 300)
        }
        #expect(cache.count >= 100)
        // The last directory is still there: its page's hrefs come back from the cache alike.
        _ = try links(at: "http://site.example/d19/other.html", extra: (0..<150).map { "page-19-\($0).html" }, cache: cache)
        let empty = ResolvedHrefCache(maxEntries: 0)
        _ = try links(at: "http://site.example/a/x.html", cache: empty)
        #expect(empty.count == 0)
    }

    @Test("An href starting with ../ is kept once for the directories that share the ancestor it leads to; fragments share an entry")
    func parentStepsAndFragmentsShareEntries() throws {
        let cache = ResolvedHrefCache()
        for (page, href) in [("a", "../n.html#one"), ("b", "../n.html#two"), ("c", "../n.html"), ("a", "../n.html")] {
            let extractor = StreamingLinkExtractor(
                documentURL: try #require(WebURL("http://site.example/\(page)/x.html")), contentType: "text/html", sharedHrefs: cache)
            extractor.feed(Array("<a href=\"\(href)\">n</a>".utf8))
            #expect(extractor.finish().links.map(\.url) == ["http://site.example/n.html"])
        }
        #expect(cache.count == 1)
        #expect(ResolvedHrefCache.parentSteps(in: "../../x") == 2 && ResolvedHrefCache.parentSteps(in: "x/../y") == 0)
        #expect(ResolvedHrefCache.parentSteps(in: String(repeating: "../", count: 9)) == nil)
        let base = try #require(WebURL("http://u@h.example:81/a/b/c.html?q#f"))
        #expect(ResolvedHrefCache.directory(of: base, poppingSegments: 1) == "http://u@h.example:81/a/")
        #expect(ResolvedHrefCache.directory(of: base, poppingSegments: 5) == "http://u@h.example:81/")
        #expect(ResolvedHrefCache.key(for: "a.html#x") == "a.html" && ResolvedHrefCache.key(for: "a.html #x") == "a.html #x")
        #expect(ResolvedHrefCache.key(for: "#x") == "#x" && ResolvedHrefCache.key(for: "a.html") == "a.html")
    }

    @Test("An href's key (its fragment cut unless a space or control precedes the #) resolves as the href does, against any base")
    func keysResolveAsTheirHrefs() throws {
        let hrefs = Self.hrefs + ["a #b", "a\u{01}#b", "x:y #z", "x:y#z", "//h.example#f", "http://u#x@h.example/", "?a b#c", "a.html#"]
        let bases = ["http://site.example/a/b.html?q#f", "mailto:someone@example.com", "file:///dir/f.txt", "foo://h/p", "foo:opaque"]
        for base in bases {
            let resolver = try #require(URLResolver(baseURL: base))
            for href in hrefs {
                #expect(resolver.resolve(ResolvedHrefCache.key(for: href)) == resolver.resolve(href), "\(href) against \(base)")
            }
        }
    }

    @Test("Only http(s) bases with a path are cached, under the base up to its path's last slash")
    func directoryKeys() throws {
        #expect(ResolvedHrefCache.directory(of: try #require(WebURL("http://h.example/a/b.html?q=/x#/y"))) == "http://h.example/a/")
        #expect(ResolvedHrefCache.directory(of: try #require(WebURL("https://u:p@h.example:8443/"))) == "https://u:p@h.example:8443/")
        #expect(ResolvedHrefCache.directory(of: try #require(WebURL("ftp://h.example/a/b"))) == nil)
        #expect(ResolvedHrefCache.isCacheable("a.html") && ResolvedHrefCache.isCacheable(" /x"))
        #expect(!ResolvedHrefCache.isCacheable(" ?x") && !ResolvedHrefCache.isCacheable("#x") && !ResolvedHrefCache.isCacheable(" "))
    }
}
