import Testing

@testable import LinkExtraction

/// A sitemap's declared encoding never picks the decoder: sitemaps are UTF-8.
@Suite("Sitemap encoding")
struct SitemapEncodingTests {
    @Test(
        "The encoding declaration is ignored: UTF-8 bytes stay UTF-8 whatever label the document names",
        arguments: [
            "ISO-8859-1", "UTF-7", "EBCDIC-US", "x-no-such-charset", "UTF-8"
        ])
    func declaredEncodingIgnored(label: String) {
        let xml =
            #"<?xml version="1.0" encoding="\#(label)"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#
            + "<url><loc>http://example.com/café</loc></url><url><loc>http://example.com/b</loc></url></urlset>"
        let sitemap = SitemapParser().parse(Array(xml.utf8))
        #expect(sitemap.entries.map(\.location) == ["http://example.com/caf%C3%A9", "http://example.com/b"])
    }
}
