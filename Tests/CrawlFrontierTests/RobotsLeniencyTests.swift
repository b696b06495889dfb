import CrawlFrontier
import Testing

/// The leniencies of Google's open-source robots.txt parser that site owners rely on
/// (cases modelled on its test suite, written for this parser).
@Suite("robots.txt leniency")
struct RobotsLeniencyTests {
    private func allowed(_ text: String, _ url: String, agent: String = "FooBot") -> Bool {
        RobotsTxt(parsing: Array(text.utf8)).isAllowed(url: url, userAgent: agent)
    }

    @Test(
        "Common misspellings of disallow are rules",
        arguments: ["dissallow", "dissalow", "disalow", "diasllow", "disallaw", "Disallows", "DISSALLOW"])
    func misspelledDisallow(key: String) {
        let text = "user-agent: FooBot\n\(key): /private\n"
        #expect(!allowed(text, "http://h.test/private/x"))
        #expect(allowed(text, "http://h.test/public"))
    }

    @Test("user agent and useragent start a group; site-map names a sitemap")
    func otherSpellings() {
        #expect(!allowed("useragent: FooBot\ndisallow: /\n", "http://h.test/a"))
        #expect(!allowed("User Agent: FooBot\ndisallow: /\n", "http://h.test/a"))
        #expect(RobotsTxt(parsing: Array("Site-map: http://h.test/s.xml\n".utf8)).sitemaps == ["http://h.test/s.xml"])
    }

    @Test("A missing colon is read as one when the line is exactly a key and a value")
    func missingColon() {
        let lenient = "user-agent FooBot\ndisallow /x/\n"
        #expect(!allowed(lenient, "http://h.test/x/y"))
        #expect(allowed(lenient, "http://h.test/y"))
        // Unknown keys stay unknown, with or without a colon.
        #expect(allowed("foo: FooBot\nbar: /\n", "http://h.test/x/y"))
        // More than two words: not a directive.
        #expect(allowed("user-agent FooBot\ndisallow / x\n", "http://h.test/x/y"))
        #expect(allowed("user-agent FooBot\ndisallow\n", "http://h.test/x/y"))
    }

    @Test("Allowing a directory's index.html allows the directory itself, and nothing more")
    func indexPageAllowsDirectory() {
        let text = "User-Agent: *\nAllow: /open/index.html\nDisallow: /\n"
        #expect(allowed(text, "http://h.test/open/", agent: "anybot"))
        #expect(allowed(text, "http://h.test/open/index.html", agent: "anybot"))
        #expect(!allowed(text, "http://h.test/open/index.htm", agent: "anybot"))
        #expect(!allowed(text, "http://h.test/open/other", agent: "anybot"))
        #expect(!allowed(text, "http://h.test/elsewhere", agent: "anybot"))
        let htm = "User-Agent: *\nAllow: /d/index.htm\nDisallow: /\n"
        #expect(allowed(htm, "http://h.test/d/", agent: "anybot"))
        #expect(!allowed(htm, "http://h.test/d/x", agent: "anybot"))
    }

    @Test("Rules before any group, case of keys and values, longest match")
    func groupsAndMatching() {
        let text = "allow: /shared/\n\nUSER-AGENT: FooBot\nDISALLOW: /\nALLOW: /X/\nuser-agent: BarBot\ndisallow: /y/\n"
        #expect(!allowed(text, "http://h.test/shared/a"))
        #expect(allowed(text, "http://h.test/X/a"))
        #expect(!allowed(text, "http://h.test/x/a"))
        #expect(allowed(text, "http://h.test/x/a", agent: "BarBot"))
        #expect(!allowed(text, "http://h.test/y/a", agent: "BarBot"))
    }
}
