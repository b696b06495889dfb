import Testing

@testable import LinkExtraction

/// One row of the resolution table: `input` parsed against `base`; `expected` nil means failure.
struct ResolutionCase: Sendable, CustomTestStringConvertible {
    let input: String
    let base: String?
    let expected: String?
    var testDescription: String { "\(input.debugDescription) against \(base ?? "nil")" }
}

private let exampleBase = "http://example.org/foo/bar"

/// Cases from, or in the spirit of, the WHATWG URL test data (urltestdata.json).
let resolutionCases: [ResolutionCase] = [
    // Whitespace, tabs and newlines
    .init(input: "http://example\t.\norg", base: exampleBase, expected: "http://example.org/"),
    .init(input: " foo.com  ", base: exampleBase, expected: "http://example.org/foo/foo.com"),
    .init(input: "\t   :foo.com   \n", base: exampleBase, expected: "http://example.org/foo/:foo.com"),
    .init(input: "http://example.com/foo\tbar", base: nil, expected: "http://example.com/foobar"),
    .init(input: "http://f:21/ b ? d # e ", base: exampleBase, expected: "http://f:21/%20b%20?%20d%20#%20e"),
    .init(input: "a:\t foo.com", base: exampleBase, expected: "a: foo.com"),
    // Empty and fragment/query-only references
    .init(input: "", base: exampleBase, expected: "http://example.org/foo/bar"),
    .init(input: "  \t", base: exampleBase, expected: "http://example.org/foo/bar"),
    .init(input: "#", base: exampleBase, expected: "http://example.org/foo/bar#"),
    .init(input: "#\u{03B2}", base: exampleBase, expected: "http://example.org/foo/bar#%CE%B2"),
    .init(input: "?", base: exampleBase, expected: "http://example.org/foo/bar?"),
    .init(input: "?q=1", base: "http://a/b?x=2#f", expected: "http://a/b?q=1"),
    .init(input: "#frag", base: "http://a/b?x=2#f", expected: "http://a/b?x=2#frag"),
    // Relative paths and dot segments
    .init(input: ":", base: exampleBase, expected: "http://example.org/foo/:"),
    .init(input: "http:foo.com", base: exampleBase, expected: "http://example.org/foo/foo.com"),
    .init(input: "http::@c:29", base: exampleBase, expected: "http://example.org/foo/:@c:29"),
    .init(input: "/", base: exampleBase, expected: "http://example.org/"),
    .init(input: "/a/../b", base: exampleBase, expected: "http://example.org/b"),
    .init(input: "../x", base: "http://a/b/c/d", expected: "http://a/b/x"),
    .init(input: "./x", base: "http://a/b/c/d", expected: "http://a/b/c/x"),
    .init(input: "../../../../x", base: "http://a/b/c/d", expected: "http://a/x"),
    .init(input: "g/", base: "http://a/b/c/d;p?q", expected: "http://a/b/c/g/"),
    .init(input: "..", base: "http://a/b/c/d;p?q", expected: "http://a/b/"),
    .init(input: "http://example.com/foo/%2e", base: nil, expected: "http://example.com/foo/"),
    .init(input: "http://example.com/foo/%2e2", base: nil, expected: "http://example.com/foo/%2e2"),
    .init(input: "http://example.com/foo/..bar", base: nil, expected: "http://example.com/foo/..bar"),
    .init(input: "http://example.com/foo/bar/..", base: nil, expected: "http://example.com/foo/"),
    .init(input: "http://example.com////../..", base: nil, expected: "http://example.com//"),
    .init(input: "http://example.com/foo/bar//../..", base: nil, expected: "http://example.com/foo/"),
    .init(input: "http://example.com/foo/.%2E/bar", base: nil, expected: "http://example.com/bar"),
    // Backslashes and scheme-relative references
    .init(input: "\\x", base: exampleBase, expected: "http://example.org/x"),
    .init(input: "\\\\server\\file", base: exampleBase, expected: "http://server/file"),
    .init(input: "//server/file", base: exampleBase, expected: "http://server/file"),
    .init(input: "http://example.com\\\\foo\\\\bar", base: nil, expected: "http://example.com//foo//bar"),
    .init(input: "http:/a", base: nil, expected: "http://a/"),
    .init(input: "http:\\\\a\\b", base: nil, expected: "http://a/b"),
    // Percent-encoding
    .init(input: "http://example.com/foo\t\u{91}%91", base: nil, expected: "http://example.com/foo%C2%91%91"),
    .init(input: "http://example.com/foo%00%51", base: nil, expected: "http://example.com/foo%00%51"),
    .init(input: "http://example.com/(%28:%3A%29)", base: nil, expected: "http://example.com/(%28:%3A%29)"),
    .init(input: "http://example.com/@asdf%40", base: nil, expected: "http://example.com/@asdf%40"),
    .init(input: "http://example.com/你好你好", base: nil, expected: "http://example.com/%E4%BD%A0%E5%A5%BD%E4%BD%A0%E5%A5%BD"),
    .init(input: "http://example.com/\u{FEFF}/foo", base: nil, expected: "http://example.com/%EF%BB%BF/foo"),
    .init(input: "http://ex.com/a b\"<>`{}", base: nil, expected: "http://ex.com/a%20b%22%3C%3E%60%7B%7D"),
    .init(input: "http://ex.com/?a b'\"<>", base: nil, expected: "http://ex.com/?a%20b%27%22%3C%3E"),
    .init(input: "foo://ex.com/?a'", base: nil, expected: "foo://ex.com/?a'"),
    .init(input: "http://ex.com/#a b`", base: nil, expected: "http://ex.com/#a%20b%60"),
    .init(input: "http://&a:foo(b]c@d:2/", base: nil, expected: "http://&a:foo(b%5Dc@d:2/"),
    .init(input: "http://::@c@d:2", base: nil, expected: "http://:%3A%40c@d:2/"),
    .init(input: "https://test:@test", base: nil, expected: "https://test@test/"),
    .init(input: "http://user:pass@foo:21/bar;par?b#c", base: nil, expected: "http://user:pass@foo:21/bar;par?b#c"),
    // Schemes, hosts and ports
    .init(input: "HTTP://EXAMPLE.COM/PATH", base: nil, expected: "http://example.com/PATH"),
    .init(input: "http://ExAmPlE.CoM", base: nil, expected: "http://example.com/"),
    .init(input: "https://x:443/", base: nil, expected: "https://x/"),
    .init(input: "http://x:80/", base: nil, expected: "http://x/"),
    .init(input: "http://x:8080/", base: nil, expected: "http://x:8080/"),
    .init(input: "http://f:00000000000000/c", base: nil, expected: "http://f:0/c"),
    .init(input: "http://f:00000000000000000000080/c", base: nil, expected: "http://f/c"),
    .init(input: "http://f:\n/c", base: nil, expected: "http://f/c"),
    .init(input: "http://f:b/c", base: nil, expected: nil),
    .init(input: "http://f: /c", base: nil, expected: nil),
    .init(input: "http://f:999999/c", base: nil, expected: nil),
    .init(input: "http://user@/www.google.com", base: nil, expected: nil),
    .init(input: "http://GOO goo.com", base: nil, expected: nil),
    .init(input: "http://[www.google.com]/", base: nil, expected: nil),
    .init(input: "http://a\u{0}b/", base: nil, expected: nil),
    .init(input: "//\u{0}ü./x", base: exampleBase, expected: nil),
    .init(input: "http://a%00b/", base: nil, expected: nil),
    .init(input: "http://", base: nil, expected: nil),
    .init(input: "relative/path", base: nil, expected: nil),
    // IPv4 and IPv6
    .init(input: "http://192.0x00A80001", base: nil, expected: "http://192.168.0.1/"),
    .init(input: "http://0x7f.1", base: nil, expected: "http://127.0.0.1/"),
    .init(input: "http://%30%78%63%30%2e%30%32%35%30.01", base: nil, expected: "http://192.168.0.1/"),
    .init(input: "http://4294967295", base: nil, expected: "http://255.255.255.255/"),
    .init(input: "http://4294967296", base: nil, expected: nil),
    .init(input: "http://256.256.256.256", base: nil, expected: nil),
    .init(input: "http://1.2.3.4.5", base: nil, expected: nil),
    .init(input: "http://1.2.3.4./", base: nil, expected: "http://1.2.3.4/"),
    .init(input: "http://127.1", base: nil, expected: "http://127.0.0.1/"),
    .init(input: "http://1..2/", base: nil, expected: nil),
    .init(input: "http://foo.09/", base: nil, expected: nil),
    .init(input: "http://0x100.1/", base: nil, expected: nil),
    .init(input: "http://1.2.3.256/", base: nil, expected: nil),
    .init(input: "http://1.2.65535/", base: nil, expected: "http://1.2.255.255/"),
    .init(input: "http://a.b.0x/", base: nil, expected: nil),
    .init(input: "http://0.0.0.0./", base: nil, expected: "http://0.0.0.0/"),
    .init(input: "http://10.20.30.200/", base: nil, expected: "http://10.20.30.200/"),
    .init(input: "http://EXAMPLE.com./", base: nil, expected: "http://example.com./"),
    .init(input: "http://example.com../", base: nil, expected: "http://example.com../"),
    .init(input: "http://[1:0::]", base: nil, expected: "http://[1::]/"),
    .init(input: "http://[0:0:0:0:0:0:13.1.68.3]", base: nil, expected: "http://[::d01:4403]/"),
    .init(input: "http://[::127.0.0.1]", base: nil, expected: "http://[::7f00:1]/"),
    .init(input: "http://[2001:DB8:0:0:1:0:0:1]:8080/", base: nil, expected: "http://[2001:db8::1:0:0:1]:8080/"),
    .init(input: "http://[1::2::3]", base: nil, expected: nil),
    // Internationalized domain names
    .init(input: "http://bücher.de/", base: nil, expected: "http://xn--bcher-kva.de/"),
    .init(input: "http://BÜCHER.de/", base: nil, expected: "http://xn--bcher-kva.de/"),
    .init(input: "http://faß.de/", base: nil, expected: "http://xn--fa-hia.de/"),
    .init(input: "http://日本語.jp/", base: nil, expected: "http://xn--wgv71a119e.jp/"),
    .init(input: "sc://ñ.test/", base: nil, expected: "sc://%C3%B1.test/"),
    // Non-special and opaque URLs
    .init(input: "mailto:Foo@Bar.com", base: nil, expected: "mailto:Foo@Bar.com"),
    .init(input: "javascript:alert(1)", base: exampleBase, expected: "javascript:alert(1)"),
    .init(input: "data:text/html,test#test", base: nil, expected: "data:text/html,test#test"),
    .init(input: "non-spec:/.//p", base: nil, expected: "non-spec:/.//p"),
    .init(input: "foo://", base: nil, expected: "foo://"),
    .init(input: "x", base: "mailto:a@b", expected: nil),
    // file
    .init(input: "file:///tmp/a", base: nil, expected: "file:///tmp/a"),
    .init(input: "file://localhost/tmp", base: nil, expected: "file:///tmp"),
    .init(input: "b", base: "file:///tmp/a", expected: "file:///tmp/b")
]

@Suite("URL resolution (WHATWG)")
struct URLResolverTests {
    @Test("resolves like the WHATWG URL standard", arguments: resolutionCases)
    func resolves(_ testCase: ResolutionCase) {
        var base: WebURL? = nil
        if let baseString = testCase.base {
            base = WebURL(baseString)
            #expect(base != nil, "base \(baseString) must parse")
        }
        #expect(WebURL(testCase.input, relativeTo: base)?.href == testCase.expected)
    }

    @Test("the table has at least 40 cases")
    func tableSize() {
        #expect(resolutionCases.count >= 40)
    }

    @Test("host key writes the effective port")
    func hostKey() {
        #expect(WebURL("https://Example.com/a")?.hostKey == "https://example.com:443")
        #expect(WebURL("http://example.com:8080/a")?.hostKey == "http://example.com:8080")
        #expect(WebURL("mailto:a@b")?.hostKey == nil)
    }

    @Test("URLResolver resolves against its base and strips fragments")
    func resolver() throws {
        let resolver = try #require(URLResolver(baseURL: "http://a/b/c"))
        #expect(resolver.resolve("d#x")?.href == "http://a/b/d")
        #expect(resolver.resolve("http://[bad")?.href == nil)
        // The current standard: a space before "#" in an opaque path is %20 (no stripping when the fragment goes).
        #expect(WebURL("foo:bar  #x")?.href == "foo:bar %20#x")
        #expect(WebURL("foo:bar  #x")?.removingFragment.href == "foo:bar %20")
    }
}

@Suite("URL parser robustness")
struct URLParserRobustnessTests {
    /// Deterministic pseudo-random strings over characters that matter to URL parsing.
    static func randomInputs(count: Int, seed: UInt64) -> [String] {
        let alphabet: [String] = [
            "a", "B", "0", "9", "/", "\\", ".", "..", ":", "@", "?", "#", "%", "%2e", "%41", "%zz", "[", "]", "::",
            " ", "\t", "\n", "http:", "https://", "//", "ü", "日", "\u{0}", "\u{7F}", "'", "\"", "<", "^", "|", "{",
            "xn--", "-", "~", "+", "&", "=", ";", "0x", "255", "1.2", "mailto:", "file:", "foo:", "[::1]", ":80"
        ]
        var state = seed
        var inputs: [String] = []
        for _ in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 59)
            var text = ""
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += alphabet[Int(state >> 33) % alphabet.count]
            }
            inputs.append(text)
        }
        return inputs
    }

    @Test("parsing never crashes and serializations re-parse to themselves")
    func idempotentSerialization() throws {
        let base = try #require(WebURL("http://user@example.com:8080/a/b/c?q#f"))
        var parsedCount = 0
        for input in Self.randomInputs(count: 20_000, seed: 7) {
            guard let url = WebURL(input, relativeTo: base) else { continue }
            parsedCount += 1
            let reparsed = WebURL(url.href)
            #expect(reparsed?.href == url.href, "input \(input.debugDescription)")
            if let canonical = CanonicalURL(url.href) {
                #expect(CanonicalURL(canonical.string)?.string == canonical.string, "input \(input.debugDescription)")
            }
        }
        #expect(parsedCount > 1000)
    }
}
