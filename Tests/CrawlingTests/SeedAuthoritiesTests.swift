import LinkExtraction
import Testing

@testable import Crawling

/// Seeds parsed once per authority for what depends only on scheme, host, port and userinfo.
@Suite("Seed authorities")
struct SeedAuthoritiesTests {
    @Test(
        "The authority text ends at the first / ? # or \\ after ://",
        arguments: [
            ("http://h.test/a/b", "http://h.test"), ("http://u:p@h.test:81?q", "http://u:p@h.test:81"),
            ("https://h.test#f", "https://h.test"), ("http://h.test\\x", "http://h.test"), ("http://h.test", "http://h.test"),
            ("HTTP://H.test/", "HTTP://H.test"), ("http:/:/x://h/p", "http:/:/x://h")
        ])
    func authorityText(seed: String, expected: String) {
        #expect(SeedAuthorities.authorityText(of: seed).map(String.init) == expected)
    }

    @Test("A seed without :// has no authority text and is parsed on its own")
    func noSeparator() {
        #expect(SeedAuthorities.authorityText(of: "mailto:a@b") == nil)
        #expect(SeedAuthorities.authorityText(of: "http:h.test/x") == nil)
        let urls = SeedAuthorities(seeds: ["http:h.test/x", "http:h.test/y"]).urls
        #expect(urls.map(\.href) == ["http://h.test/x", "http://h.test/y"])
    }

    @Test("10,000 seeds on two authorities give two parsed URLs, in the order first seen")
    func grouping() {
        var seeds: [String] = []
        for index in 0..<10_000 {
            seeds.append(index % 2 == 0 ? "http://127.0.0.1:8080/p\(index)" : "https://user:pw@h.test/q?n=\(index)")
        }
        let urls = SeedAuthorities(seeds: seeds).urls
        #expect(urls.map(\.href) == ["http://127.0.0.1:8080/p0", "https://user:pw@h.test/q?n=1"])
        #expect(urls.compactMap(\.hostKey).count == 2)
    }

    @Test("Every host, port and userinfo the seeds name is kept: grouping loses none")
    func sameAnswersAsParsingEach() {
        let seeds = [
            "http://a.test/x", "http://a.test:80/y", "http://A.TEST/z", "http://b@a.test/", "http://b:c@a.test/", "http://a.test./",
            "https://a.test/", "http://[::1]:8080/", "http://0x7f.1/", "http://a.test?x", " http://c.test/", "http://a\t.test/",
            "not a url", "http://%zz/", "http://d.test/"
        ]
        let grouped = SeedAuthorities(seeds: seeds).urls
        let parsedEach = seeds.compactMap { WebURL($0) }
        func authorities(_ urls: [WebURL]) -> Set<String> {
            Set(urls.map { "\($0.scheme) \($0.username) \($0.password) \($0.host ?? "-") \($0.port.map(String.init) ?? "-")" })
        }
        #expect(authorities(grouped) == authorities(parsedEach))
        #expect(grouped.count < parsedEach.count)
    }
}
