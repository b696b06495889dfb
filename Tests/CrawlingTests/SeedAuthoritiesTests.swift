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
        let authorities = SeedAuthorities(seeds: ["http:h.test/x", "http:h.test/y"]).authorities
        #expect(authorities.map(\.hostKey) == ["http://h.test:80", "http://h.test:80"])
    }

    @Test("10,000 seeds on two authorities give two parsed URLs, in the order first seen")
    func grouping() {
        var seeds: [String] = []
        for index in 0..<10_000 {
            seeds.append(index % 2 == 0 ? "http://127.0.0.1:8080/p\(index)" : "https://user:pw@h.test/q?n=\(index)")
        }
        let authorities = SeedAuthorities(seeds: seeds).authorities
        #expect(authorities.map(\.hostKey) == ["http://127.0.0.1:8080", "https://h.test:443"])
        #expect(authorities.map(\.host) == ["127.0.0.1", "h.test"])
        #expect(authorities.map(\.userinfo) == [nil, "user:pw@"])
    }

    @Test("Every host, port and userinfo the seeds name is kept: grouping loses none")
    func sameAnswersAsParsingEach() {
        let seeds = [
            "http://a.test/x", "http://a.test:80/y", "http://A.TEST/z", "http://b@a.test/", "http://b:c@a.test/", "http://a.test./",
            "https://a.test/", "http://[::1]:8080/", "http://0x7f.1/", "http://a.test?x", " http://c.test/", "http://a\t.test/",
            "not a url", "http://%zz/", "http://d.test/"
        ]
        let grouped = SeedAuthorities(seeds: seeds).authorities
        let parsedEach = seeds.compactMap { WebURL($0).flatMap(SeedAuthority.init) }
        #expect(Set(grouped) == Set(parsedEach))
        #expect(grouped.count < parsedEach.count)
        #expect(grouped.contains { $0.hostKey == "http://a.test:80" && $0.userinfo == "b:c@" })
        #expect(grouped.contains { $0.hostKey == "http://[::1]:8080" && $0.host == "[::1]" })
    }
}
