import Testing

@testable import LinkExtraction

@Suite("Canonical URLs")
struct CanonicalURLTests {
    @Test(
        "case, default port, fragment and dot segments",
        arguments: [
            ("HTTP://Example.COM:80/a/./b/../c#frag", "http://example.com/a/c"),
            ("https://example.com:443", "https://example.com/"),
            ("https://example.com:8443/x?", "https://example.com:8443/x"),
            ("http://example.com/%7euser/%41%2F%2f?q=%7e%3d%3D", "http://example.com/~user/A%2F%2F?q=~%3D%3D"),
            ("http://example.com/100%/x", "http://example.com/100%25/x"),
            ("http://bücher.de/ä", "http://xn--bcher-kva.de/%C3%A4")
        ])
    func canonical(input: String, expected: String) throws {
        #expect(CanonicalURL(input)?.string == expected)
    }

    @Test("query parameters sorted and removed on request, utm_* wildcard")
    func queryRewriting() throws {
        let url = "http://example.com/p?b=2&utm_source=x&a=1&UTM_Medium=y&sid=9&b=1&&gclid=z"
        #expect(CanonicalURL(url)?.string == "http://example.com/p?b=2&utm_source=x&a=1&UTM_Medium=y&sid=9&b=1&&gclid=z")
        #expect(CanonicalURL(url, options: .crawler)?.string == "http://example.com/p?a=1&b=2&b=1")
        let custom = CanonicalizationOptions(sortsQueryParameters: false, removedQueryParameters: ["b"])
        #expect(CanonicalURL(url, options: custom)?.string == "http://example.com/p?utm_source=x&a=1&UTM_Medium=y&sid=9&gclid=z")
        let allRemoved = CanonicalizationOptions(removedQueryParameters: ["*"])
        #expect(CanonicalURL("http://e.com/?a=1&b=2", options: allRemoved)?.string == "http://e.com/")
    }

    @Test(
        "With the crawler's options, a query already in canonical form is kept as it is, and every other one rewritten",
        arguments: [
            ("?a=1&b=2", "?a=1&b=2"), ("?b=1&a=2", "?a=2&b=1"), ("?a=1&&b=2", "?a=1&b=2"), ("?a=1&b=2&", "?a=1&b=2"),
            ("?A=1&b=2", "?A=1&b=2"), ("?b=1&A=2", "?A=2&b=1"), ("?utm_source=x&a=1", "?a=1"), ("?a=1&UTM_medium=y", "?a=1"),
            ("?sid=1", ""), ("?side=1", "?side=1"), ("?a=1&a=0", "?a=1&a=0"), ("?x=%41", "?x=A"), ("?n=42", "?n=42"), ("?=x&a", "?=x&a"),
            ("?a=b=c&b", "?a=b=c&b"), ("?b&a=", "?a=&b")
        ])
    func canonicalQueries(query: String, expected: String) {
        let url = "http://example.com/p" + query
        let canonical = CanonicalURL(url, options: .crawler)
        #expect(canonical?.string == "http://example.com/p" + expected)
        // The fingerprint the crawl uses agrees with the canonical string.
        if let canonical, let parsed = WebURL(url) {
            #expect(CanonicalURL.fingerprint(of: parsed, options: .crawler) == canonical.fingerprint)
        }
    }

    @Test("session ids in path parameters are removed like query parameters; other path parameters stay")
    func pathParameters() throws {
        let url = "http://example.com/shop/item;jsessionid=A1B2C3;v=2?x=1&PHPSESSID=9"
        #expect(CanonicalURL(url, options: .crawler)?.string == "http://example.com/shop/item;v=2?x=1")
        #expect(CanonicalURL("http://example.com/a;JSESSIONID=1/b;sid=2;keep", options: .crawler)?.string == "http://example.com/a/b;keep")
        #expect(CanonicalURL(url)?.string == url, "kept without the crawler's options")
        let variants = [
            "http://e.com/page;jsessionid=1", "http://e.com/page;jsessionid=2", "http://e.com/page?PHPSESSID=3", "http://e.com/page"
        ]
        #expect(Set(variants.compactMap { CanonicalURL($0, options: .crawler)?.fingerprint }).count == 1)
    }

    @Test("equivalent URLs share a fingerprint, different ones do not")
    func fingerprints() throws {
        let a = try #require(CanonicalURL("HTTP://EXAMPLE.com:80/x?b=1&a=2#top", options: .crawler))
        let b = try #require(CanonicalURL("http://example.com/x?a=2&b=1&utm_campaign=z", options: .crawler))
        let c = try #require(CanonicalURL("http://example.com/y?a=2&b=1", options: .crawler))
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
    }

    @Test("the fingerprint is XXH64 and stable across runs")
    func xxhashVectors() {
        #expect(XXHash64.hash("") == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash("a") == 0xD24E_C4F1_A98C_6E5B)
        #expect(XXHash64.hash("abc") == 0x44BC_2CF5_AD77_0999)
        let long = String(repeating: "0123456789", count: 10)
        #expect(XXHash64.hash(long) == XXHash64.hash(long))
        #expect(XXHash64.hash(long) != XXHash64.hash(long + "!"))
        #expect(CanonicalURL("http://example.com/")?.fingerprint == XXHash64.hash("http://example.com/"))
    }

    @Test("host key")
    func hostKey() {
        #expect(CanonicalURL("http://Example.com/a")?.hostKey == "http://example.com:80")
        #expect(CanonicalURL("http://[::1]:8080/a")?.hostKey == "http://[::1]:8080")
    }

    @Test("relative input resolves against a base")
    func relative() throws {
        let base = try #require(WebURL("http://example.com/a/b"))
        #expect(CanonicalURL("../c#x", relativeTo: base)?.string == "http://example.com/c")
        #expect(CanonicalURL("::", relativeTo: nil) == nil)
    }
}
