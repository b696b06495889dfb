import Foundation
import TestServer
import Testing

@testable import LinkExtraction

@Suite("Sitemap parser")
struct SitemapParserTests {
    private func parse(_ text: String, limits: SitemapParser.Limits = SitemapParser.Limits()) -> Sitemap {
        SitemapParser(limits: limits).parse(Array(text.utf8))
    }

    private func urlset(_ count: Int, from first: Int = 1) -> String {
        let urls = (first..<(first + count)).map { "<url><loc>http://example.com/page-\($0).html</loc></url>" }
        return #"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#
            + urls.joined(separator: "\n") + "</urlset>\n"
    }

    @Test("a namespaced urlset: loc, lastmod, changefreq, priority and alternate links")
    func urlSet() {
        let sitemap = parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml"
                    xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
              <url>
                <loc>
                   http://example.com/a?x=1&amp;y=2
                </loc>
                <lastmod>2026-03-01T10:00:00+00:00</lastmod>
                <changefreq>weekly</changefreq>
                <priority>0.8</priority>
                <xhtml:link rel="alternate" hreflang="de" href="http://example.com/de/a"/>
                <xhtml:link rel="alternate" hreflang="fr" href="https://example.com/fr/a"/>
                <xhtml:link rel="canonical" href="http://example.com/canonical"/>
                <image:image><image:loc>http://example.com/a.png</image:loc></image:image>
              </url>
              <url><loc><![CDATA[https://example.com/b]]></loc><priority>7</priority></url>
            </urlset>
            """)
        #expect(sitemap.kind == .urlSet)
        #expect(
            sitemap.entries == [
                SitemapEntry(
                    location: "http://example.com/a?x=1&y=2", lastModified: "2026-03-01T10:00:00+00:00",
                    changeFrequency: "weekly", priority: 0.8,
                    alternates: ["http://example.com/de/a", "https://example.com/fr/a"]),
                SitemapEntry(location: "https://example.com/b")
            ])
        #expect(sitemap.issues.isEmpty)
    }

    @Test("a urlset without a namespace, and one with a prefixed namespace, read the same")
    func namespaces() {
        let plain = parse("<urlset><url><loc>http://example.com/1</loc><lastmod>2026-01-02</lastmod></url></urlset>")
        let prefixed = parse(
            """
            <sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sm:url><sm:loc>http://example.com/1</sm:loc><sm:lastmod>2026-01-02</sm:lastmod></sm:url></sm:urlset>
            """)
        let expected = [SitemapEntry(location: "http://example.com/1", lastModified: "2026-01-02")]
        #expect(plain.entries == expected)
        #expect(prefixed.entries == expected)
        #expect(plain.kind == .urlSet && prefixed.kind == .urlSet)
    }

    @Test("a sitemap index lists its child sitemaps with lastmod")
    func index() {
        let sitemap = parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>http://example.com/sitemap-pages.xml</loc><lastmod>2026-02-03</lastmod></sitemap>
              <sitemap><loc>http://example.com/sitemap-more.xml.gz</loc></sitemap>
            </sitemapindex>
            """)
        #expect(sitemap.kind == .index)
        #expect(
            sitemap.entries == [
                SitemapEntry(location: "http://example.com/sitemap-pages.xml", lastModified: "2026-02-03"),
                SitemapEntry(location: "http://example.com/sitemap-more.xml.gz")
            ])
    }

    @Test("a gzip-compressed sitemap is recognised by its magic bytes and parses like the plain one")
    func gzip() throws {
        let xml = urlset(500)
        let compressed = StreamingCompressor.compressAll(Array(xml.utf8), as: .gzip)
        try #require(compressed.starts(with: [0x1F, 0x8B]))
        let sitemap = SitemapParser().parse(compressed)
        #expect(sitemap.wasCompressed)
        #expect(sitemap.entries == parse(xml).entries)
        #expect(sitemap.entries.count == 500)
        #expect(sitemap.decodedBytes == xml.utf8.count)
        #expect(sitemap.issues.isEmpty)
    }

    @Test("a truncated or corrupt gzip body keeps the entries decoded before the damage and counts it")
    func corruptGzip() {
        let compressed = StreamingCompressor.compressAll(Array(urlset(5000).utf8), as: .gzip)
        let truncated = SitemapParser().parse(compressed.prefix(compressed.count / 2))
        #expect(truncated.count(of: .invalidGzip) == 1)
        #expect(truncated.entries.count > 0 && truncated.entries.count < 5000)
        #expect(truncated.entries.first?.location == "http://example.com/page-1.html")
        let garbage = SitemapParser().parse([0x1F, 0x8B, 0x08, 0x00] + Array(repeating: 0xFF, count: 64))
        #expect(garbage.count(of: .invalidGzip) == 1)
        #expect(garbage.entries.isEmpty)
    }

    @Test("a plain-text sitemap: one URL per line, CRLF, blank lines and junk lines skipped and counted")
    func text() {
        let sitemap = parse(
            "\u{FEFF}http://example.com/1\r\n\n  https://example.com/2  \nnot a url\n/relative\nftp://example.com/x\nhttp://example.com/3")
        #expect(sitemap.kind == .text)
        #expect(sitemap.entries.map(\.location) == ["http://example.com/1", "https://example.com/2", "http://example.com/3"])
        #expect(sitemap.count(of: .skippedLocation) == 3)
    }

    @Test("relative, non-HTTP, empty, host-less and missing locs are skipped and counted; good ones kept")
    func junkLocations() {
        let sitemap = parse(
            """
            <urlset>
              <url><loc>/relative/page.html</loc></url>
              <url><loc>page.html</loc></url>
              <url><loc>javascript:alert(1)</loc></url>
              <url><loc>mailto:someone@example.com</loc></url>
              <url><loc>ftp://example.com/file</loc></url>
              <url><loc></loc></url>
              <url><loc>http://</loc></url>
              <url><lastmod>2026-01-01</lastmod></url>
              <url><loc>http://example.com/\(String(repeating: "x", count: 10_000))</loc></url>
              <url><loc>https://example.com/kept</loc></url>
            </urlset>
            """)
        #expect(sitemap.entries.map(\.location) == ["https://example.com/kept"])
        #expect(sitemap.count(of: .skippedLocation) == 9)
    }

    @Test("truncated XML keeps the entries completed before the cut and counts the error")
    func truncatedXML() {
        let xml = urlset(10)
        let cut = String(xml.prefix(xml.count - 60))
        let sitemap = parse(cut)
        #expect(sitemap.count(of: .malformedXML) > 0)
        #expect(sitemap.entries.count >= 8 && sitemap.entries.count < 10)
        #expect(sitemap.entries.map(\.location) == (1...sitemap.entries.count).map { "http://example.com/page-\($0).html" })
    }

    @Test("malformed XML in the middle: entries before it are kept, nothing crashes, the error is counted")
    func malformedXML() {
        let sitemap = parse(
            """
            <urlset><url><loc>http://example.com/1</loc></url>
            <url><loc>http://example.com/2</loc></url>
            <url><loc>http://example.com/3</loc <<>> </url></urlset
            """)
        #expect(sitemap.count(of: .malformedXML) > 0)
        #expect(Array(sitemap.entries.map(\.location).prefix(2)) == ["http://example.com/1", "http://example.com/2"])
    }

    @Test("a document whose root is not urlset or sitemapindex (an HTML error page) gives nothing")
    func unknownRoot() {
        let sitemap = parse("<html><body><url><loc>http://example.com/1</loc></url></body></html>")
        #expect(sitemap.kind == .unknown)
        #expect(sitemap.entries.isEmpty)
        #expect(sitemap.count(of: .unknownRootElement) == 1)
        #expect(parse("").entries.isEmpty)
        #expect(parse(" \n ").kind == .unknown)
    }

    @Test("internal entities declared in a DTD are never substituted")
    func internalEntityNotExpanded() {
        let sitemap = parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE urlset [<!ENTITY injected "evil.example/INJECTED">]>
            <urlset><url><loc>http://&injected;</loc></url><url><loc>http://example.com/ok</loc>
            <xhtml:link xmlns:xhtml="http://www.w3.org/1999/xhtml" rel="alternate" href="http://&injected;/de"/></url></urlset>
            """)
        #expect(!sitemap.entries.contains { $0.location.contains("INJECTED") })
        #expect(!sitemap.entries.contains { $0.alternates.contains { $0.contains("INJECTED") } })
        #expect(sitemap.entries.map(\.location).contains("http://example.com/ok"))
    }

    @Test("billion laughs is not expanded: a quick, small result")
    func billionLaughs() {
        var entities = #"<!ENTITY lol0 "lol">"#
        for level in 1...9 {
            let previous = String(repeating: "&lol\(level - 1);", count: 10)
            entities += "\n<!ENTITY lol\(level) \"\(previous)\">"
        }
        let sitemap = parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE urlset [\(entities)]>
            <urlset><url><loc>http://example.com/&lol9;</loc></url><url><loc>http://example.com/after</loc></url></urlset>
            """)
        #expect(!sitemap.entries.contains { $0.location.contains("lol") })
        #expect(sitemap.entries.map(\.location).contains("http://example.com/after"))
        #expect(sitemap.entries.allSatisfy { $0.location.utf8.count < 100 })
    }

    @Test("an external entity (XXE) pointing at a local file is not loaded")
    func externalEntityNotLoaded() throws {
        let marker = "SECRET-\(UUID().uuidString)"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sitemap-xxe-\(UUID().uuidString).txt")
        try Data(marker.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let general = parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "\(file.absoluteString)">]>
            <urlset><url><loc>http://example.com/&xxe;</loc></url><url><loc>http://example.com/after</loc></url></urlset>
            """)
        #expect(!general.entries.contains { $0.location.contains(marker) })
        #expect(general.entries.map(\.location).contains("http://example.com/after"))
        let parameter = parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE urlset [<!ENTITY % remote SYSTEM "\(file.absoluteString)"> %remote;]>
            <urlset><url><loc>http://example.com/ok</loc></url></urlset>
            """)
        #expect(!parameter.entries.contains { $0.location.contains(marker) })
    }

    @Test("the entry limit stops reading and is counted once")
    func entryLimit() {
        let limits = SitemapParser.Limits(maxEntries: 3)
        let sitemap = parse(urlset(10), limits: limits)
        #expect(sitemap.entries.map(\.location) == (1...3).map { "http://example.com/page-\($0).html" })
        #expect(sitemap.count(of: .entryLimitReached) == 1)
        #expect(sitemap.count(of: .malformedXML) == 0)
        let text = parse((1...10).map { "http://example.com/\($0)" }.joined(separator: "\n"), limits: limits)
        #expect(text.entries.count == 3)
        #expect(text.count(of: .entryLimitReached) == 1)
        let exact = parse(urlset(3), limits: limits)
        #expect(exact.entries.count == 3 && exact.issues.isEmpty)
    }

    @Test("the default entry limit is sitemaps.org's 50,000")
    func defaultEntryLimit() {
        let sitemap = parse((1...50_001).map { "http://example.com/\($0)" }.joined(separator: "\n"))
        #expect(sitemap.entries.count == 50_000)
        #expect(sitemap.count(of: .entryLimitReached) == 1)
    }

    @Test("the decoded-size limit cuts the input, plain or gzip-compressed (a gzip bomb stops at the limit)")
    func sizeLimit() {
        let xml = urlset(100)
        let limits = SitemapParser.Limits(maxDecodedBytes: 1000)
        let plain = parse(xml, limits: limits)
        #expect(plain.decodedBytes == 1000)
        #expect(plain.count(of: .sizeLimitExceeded) == 1)
        #expect(plain.entries.count > 0 && plain.entries.count < 100)
        #expect(plain.count(of: .malformedXML) == 0)

        let bomb = Array("<urlset><url><loc>http://example.com/1</loc></url>".utf8) + Array(repeating: UInt8(ascii: " "), count: 16 << 20)
        let compressed = StreamingCompressor.compressAll(bomb, as: .gzip)
        #expect(compressed.count < 64 << 10)
        let inflated = SitemapParser(limits: SitemapParser.Limits(maxDecodedBytes: 2 << 20)).parse(compressed)
        #expect(inflated.decodedBytes == 2 << 20)
        #expect(inflated.count(of: .sizeLimitExceeded) == 1)
        #expect(inflated.entries.map(\.location) == ["http://example.com/1"])
    }
}
