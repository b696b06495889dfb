import LinkExtraction
import Testing

/// Points where the current WHATWG URL Standard changed.
@Suite("URL Standard")
struct URLStandardTests {
    @Test(
        "The path percent-encode set includes ^ (queries and fragments keep it)",
        arguments: [
            ("http://h.test/a^b", "http://h.test/a%5Eb"), ("http://h.test/^/x?q=^#f^", "http://h.test/%5E/x?q=^#f^"),
            ("http://h.test/%5E", "http://h.test/%5E")
        ])
    func caretInPath(input: String, href: String) throws {
        #expect(try #require(WebURL(input)).href == href)
    }

    @Test(
        "An opaque path never ends in a space: one before ? or # is %20",
        arguments: [
            ("data:text/plain,hi #f", "data:text/plain,hi%20#f"), ("mailto:a@b ?subject=x", "mailto:a@b%20?subject=x"),
            ("sc:a  b ?q", "sc:a  b%20?q"), ("javascript:void(0) ", "javascript:void(0)")
        ])
    func opaquePathSpaces(input: String, href: String) throws {
        #expect(try #require(WebURL(input)).href == href)
    }

    @Test("Relative references with ^ resolve to the encoded path, and dedup to the same canonical URL")
    func caretRelative() throws {
        let base = try #require(WebURL("http://h.test/dir/page"))
        #expect(WebURL("x^y", relativeTo: base)?.href == "http://h.test/dir/x%5Ey")
        #expect(CanonicalURL("x^y", relativeTo: base)?.string == CanonicalURL("x%5Ey", relativeTo: base)?.string)
    }
}
