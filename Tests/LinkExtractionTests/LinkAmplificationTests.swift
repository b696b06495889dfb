import Testing

@testable import LinkExtraction

/// A page cannot make its links cost more than it sent: `<base href>` and
/// resolved links are held to the URL length limit before a resolved string is
/// built, and the bytes of links kept per page are capped.
@Suite("Link amplification")
struct LinkAmplificationTests {
    /// `<base href>` of `baseLength` characters, then `count` links `?N`, then one ordinary link.
    private static func hostilePage(baseLength: Int, count: Int) -> String {
        "<html><head><base href=\"http://example.com/" + String(repeating: "b", count: baseLength) + "\"></head><body>"
            + (0..<count).map { "<a href=\"?\($0)\">\($0)</a>" }.joined() + "<a href=\"/after\">after</a></body></html>"
    }

    @Test("A 1 MB <base href> before 2,000 links ?N is ignored: the links resolve against the page, none is long")
    func hugeBase() throws {
        let options = LinkExtractionOptions(maxURLLength: 2048)
        let result = try streamLinks(Self.hostilePage(baseLength: 1_000_000, count: 2000), options: options, chunkSize: 65_536)
        #expect(result.droppedBaseHref)
        #expect(result.baseURL.href == "http://example.com/dir/page.html")
        #expect(result.links.count == 2001)
        #expect(result.links.first?.url == "http://example.com/dir/page.html?0")
        #expect(result.links.last?.url == "http://example.com/after")
        #expect(result.links.allSatisfy { $0.url.utf8.count < 100 })
    }

    @Test("A base under the limit whose links resolve past it: each such link is dropped and counted, short ones kept")
    func resolvedPastTheLimit() throws {
        let options = LinkExtractionOptions(maxURLLength: 2048)
        // A 2,000-byte base: `?N` fits, `?` + 100 bytes does not.
        let base = "http://example.com/" + String(repeating: "p", count: 2000 - 19)
        let long = "?" + String(repeating: "q", count: 100)
        let html = "<base href=\"\(base)\">" + (0..<500).map { "<a href=\"\(long)\($0)\">x</a>" }.joined() + "<a href=\"?1\">ok</a>"
        let result = try streamLinks(html, options: options)
        #expect(!result.droppedBaseHref)
        #expect(result.tooLongURLCount == 500)
        #expect(result.links.map(\.url) == [base + "?1"])
    }

    @Test("A base under the limit as written but over it once percent-encoded is dropped")
    func baseLongOnceEncoded() throws {
        let options = LinkExtractionOptions(maxURLLength: 2048)
        // 1,000 spaces: 3,000 bytes as %20.
        let html = "<base href=\"/x" + String(repeating: " ", count: 1000) + "y/\"><a href=\"next\">n</a>"
        let result = try streamLinks(html, options: options)
        #expect(result.droppedBaseHref)
        #expect(result.links.map(\.url) == ["http://example.com/dir/next"])
    }

    @Test("The bytes of links kept per page are capped; the rest are counted")
    func linkBytesCap() throws {
        let options = LinkExtractionOptions(maxLinkBytes: 10_000)
        let html = (0..<1000).map { "<a href=\"/\(String(repeating: "l", count: 80))/\($0)\">text \($0)</a>" }.joined()
        let result = try streamLinks(html, options: options)
        let kept = result.links.reduce(0) { $0 + $1.url.utf8.count + $1.text.utf8.count }
        #expect(kept <= 10_000)
        #expect(result.links.count > 50)
        #expect(result.links.count + result.excessLinkCount == 1000)
    }

    @Test(
        "The lower bound never exceeds the resolved length",
        arguments: [
            "http://example.com/dir/page.html?q=1#frag", "https://user:pw@example.com:8443/a/b/c", "http://example.com",
            "file:///tmp/x/y", "http://[::1]:8080/p?x"
        ])
    func lowerBoundHolds(base: String) throws {
        let baseURL = try #require(WebURL(base))
        let references = [
            "", "#x", "?", "?a b", "?q#f", "x", "./x", "../../../../x?y", "/", "/a/../../b?c", "//other.org/p?q", "\\\\other.org\\p",
            "http://x.org/?qq", "HTTP:rel?q", "https:rel", "mailto:a@b", "javascript:void(0)", "  ?padded  ", "\t?\ta\nb", "?%41",
            "data:text/html,<a>", "//h", "a?b?c#d?e", "..", "%2e%2e/x", "http://example.com:80/?x", "http://EXAMPLE.com/"
        ]
        for reference in references {
            guard let resolved = WebURL(reference, relativeTo: baseURL)?.removingFragment else { continue }
            let bound = ResolvedLength.lowerBound(of: reference, against: baseURL)
            #expect(bound <= resolved.href.utf8.count, "\(reference) against \(base): bound \(bound), resolved \(resolved.href)")
        }
    }

    @Test("The lower bound of ?N against a 1 MB base is found without building the string, and is over the limit")
    func lowerBoundOfQueryAgainstHugeBase() throws {
        let base = try #require(WebURL("http://example.com/" + String(repeating: "b", count: 1_000_000)))
        #expect(ResolvedLength.lowerBound(of: "?1", against: base) == base.href.utf8.count + 2)
        #expect(ResolvedLength.lowerBound(of: "/x?1", against: base) == "http://example.com/?1".utf8.count)
    }
}
