import CrawlFrontier
import Testing

/// One row of the RFC 9309 table: a file, an agent, a path, the answer.
struct RobotsCase: Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let agent: String
    let path: String
    let allowed: Bool

    init(_ name: String, _ file: String, agent: String = "AsyncURL", _ path: String, _ allowed: Bool) {
        self.name = name
        self.file = file
        self.agent = agent
        self.path = path
        self.allowed = allowed
    }

    var testDescription: String { "\(name): \(path) -> \(allowed ? "allow" : "disallow")" }
}

private let basic = "User-agent: *\nDisallow: /private/\nAllow: /private/press.html\n"
private let longest = "User-agent: *\nAllow: /p\nDisallow: /\nDisallow: /folder/\nAllow: /folder/page\n"
private let wildcards = "User-agent: *\nDisallow: /*.gif$\nDisallow: /search*q=\nDisallow: /end$\nAllow: /*.gif$?\nDisallow: /a*b*c\n"
private let groups = """
    User-agent: googlebot
    Disallow: /google-only

    User-agent: AsyncURL
    User-agent: other-bot
    Disallow: /named

    User-agent: *
    Disallow: /star
    """
private let merged = "User-agent: AsyncURL\nDisallow: /one\n\nUser-agent: *\nDisallow: /star\n\nUser-agent: asyncurl\nDisallow: /two\n"
private let encoded = "User-agent: *\nDisallow: /caf%C3%A9\nDisallow: /%7Ehome\nDisallow: /a%2fb\nDisallow: /space here\n"

let robotsCases: [RobotsCase] = [
    // Basic allow and disallow.
    RobotsCase("basic", basic, "/", true),
    RobotsCase("basic", basic, "/index.html", true),
    RobotsCase("basic", basic, "/private/", false),
    RobotsCase("basic", basic, "/private/a.html", false),
    RobotsCase("basic", basic, "/private", true),
    RobotsCase("basic", basic, "/privateer", true),
    RobotsCase("basic", basic, "/private/press.html", true),
    RobotsCase("basic", basic, "/private/press.html?x=1", true),
    RobotsCase("basic", basic, "/private/press.htm", false),
    RobotsCase("basic", basic, "/PRIVATE/a.html", true),
    // Longest match wins; allow wins ties.
    RobotsCase("longest", longest, "/page", true),
    RobotsCase("longest", longest, "/other", false),
    RobotsCase("longest", longest, "/folder/", false),
    RobotsCase("longest", longest, "/folder/page", true),
    RobotsCase("longest", longest, "/folder/page.html", true),
    RobotsCase("longest", longest, "/folder/other", false),
    RobotsCase("tie", "User-agent: *\nDisallow: /same\nAllow: /same\n", "/same", true),
    RobotsCase("tie order", "User-agent: *\nAllow: /same\nDisallow: /same\n", "/same", true),
    RobotsCase("tie wildcard", "User-agent: *\nDisallow: /a*\nAllow: /a$\n", "/a", true),
    RobotsCase("longer disallow", "User-agent: *\nAllow: /a\nDisallow: /ab\n", "/abc", false),
    RobotsCase("longer allow", "User-agent: *\nDisallow: /a\nAllow: /ab\n", "/abc", true),
    RobotsCase("root allow", "User-agent: *\nDisallow: /\nAllow: /$\n", "/", true),
    RobotsCase("root allow only", "User-agent: *\nDisallow: /\nAllow: /$\n", "/page", false),
    // Wildcards.
    RobotsCase("star suffix", wildcards, "/image.gif", false),
    RobotsCase("star suffix", wildcards, "/dir/image.gif", false),
    RobotsCase("dollar anchor", wildcards, "/image.gif?size=2", true),
    RobotsCase("dollar anchor", wildcards, "/image.gifs", true),
    RobotsCase("star middle", wildcards, "/search?q=x", false),
    RobotsCase("star middle", wildcards, "/search/page?lang=en&q=x", false),
    RobotsCase("star middle", wildcards, "/search?lang=en", true),
    RobotsCase("end anchor", wildcards, "/end", false),
    RobotsCase("end anchor", wildcards, "/end/", true),
    RobotsCase("end anchor", wildcards, "/ending", true),
    RobotsCase("many stars", wildcards, "/a1b2c3", false),
    RobotsCase("many stars", wildcards, "/axxbyy", true),
    RobotsCase("many stars", wildcards, "/cba", true),
    RobotsCase("star only", "User-agent: *\nDisallow: *\n", "/anything", false),
    RobotsCase("star slash", "User-agent: *\nDisallow: /*\n", "/anything", false),
    RobotsCase("double star", "User-agent: *\nDisallow: /**/x\n", "/a/b/x", false),
    RobotsCase("double star", "User-agent: *\nDisallow: /**/x\n", "/a/b/y", true),
    RobotsCase("star at end is implicit", "User-agent: *\nDisallow: /fish*\n", "/fish.html", false),
    RobotsCase("star at end is implicit", "User-agent: *\nDisallow: /fish*\n", "/Fish.html", true),
    RobotsCase("dollar in middle is literal", "User-agent: *\nDisallow: /a$b\n", "/a$b", false),
    RobotsCase("dollar in middle is literal", "User-agent: *\nDisallow: /a$b\n", "/a", true),
    RobotsCase("query", "User-agent: *\nDisallow: /*?\n", "/page?x", false),
    RobotsCase("query", "User-agent: *\nDisallow: /*?\n", "/page", true),
    RobotsCase("query exact", "User-agent: *\nDisallow: /p?a=1$\n", "/p?a=1", false),
    RobotsCase("query exact", "User-agent: *\nDisallow: /p?a=1$\n", "/p?a=12", true),
    // Groups and user agents.
    RobotsCase("named group", groups, "/named", false),
    RobotsCase("named group", groups, "/star", true),
    RobotsCase("named group", groups, "/google-only", true),
    RobotsCase("other agent in same group", groups, agent: "other-bot", "/named", false),
    RobotsCase("googlebot", groups, agent: "Googlebot", "/google-only", false),
    RobotsCase("googlebot", groups, agent: "Googlebot", "/named", true),
    RobotsCase("fallback to star", groups, agent: "unknown", "/star", false),
    RobotsCase("fallback to star", groups, agent: "unknown", "/named", true),
    RobotsCase("agent case", groups, agent: "ASYNCURL", "/named", false),
    RobotsCase("agent with version", groups, agent: "AsyncURL/1.0 (+http://example.com)", "/named", false),
    RobotsCase("agent prefix is not a match", groups, agent: "AsyncURLs", "/named", true),
    RobotsCase("agent prefix is not a match", groups, agent: "AsyncURLs", "/star", false),
    RobotsCase("merged groups", merged, "/one", false),
    RobotsCase("merged groups", merged, "/two", false),
    RobotsCase("merged groups", merged, "/star", true),
    RobotsCase("merged star", merged, agent: "x", "/one", true),
    RobotsCase("merged star", merged, agent: "x", "/star", false),
    RobotsCase("line value with version", "User-agent: AsyncURL/2.0\nDisallow: /v\n", "/v", false),
    RobotsCase("no group matches and no star", "User-agent: other\nDisallow: /\n", "/", true),
    RobotsCase("rules before any user-agent are ignored", "Disallow: /\nUser-agent: *\nDisallow: /x\n", "/y", true),
    RobotsCase("rules before any user-agent are ignored", "Disallow: /\nUser-agent: *\nDisallow: /x\n", "/x", false),
    RobotsCase("empty disallow allows all", "User-agent: *\nDisallow:\n", "/anything", true),
    RobotsCase("empty allow is no rule", "User-agent: *\nAllow:\nDisallow: /\n", "/a", false),
    RobotsCase("blank line does not end a group", "User-agent: *\n\nDisallow: /x\n", "/x", false),
    RobotsCase("agent after rules starts a group", "User-agent: a\nDisallow: /x\nUser-agent: AsyncURL\nDisallow: /y\n", "/x", true),
    RobotsCase("agent after rules starts a group", "User-agent: a\nDisallow: /x\nUser-agent: AsyncURL\nDisallow: /y\n", "/y", false),
    RobotsCase("unknown line inside group", "User-agent: *\nFoo: bar\nDisallow: /x\n", "/x", false),
    RobotsCase("blank line between user-agent lines keeps one group", "User-agent: AsyncURL\n\nUser-agent: *\nDisallow: /\n", "/a", false),
    RobotsCase("named group without rules allows all", "User-agent: AsyncURL\nCrawl-delay: 1\n\nUser-agent: *\nDisallow: /\n", "/a", true),
    // Syntax tolerance.
    RobotsCase("comments", "User-agent: * # all\nDisallow: /x # no x\n", "/x", false),
    RobotsCase("comments", "User-agent: * # all\nDisallow: /x # no x\n", "/y", true),
    RobotsCase("comment only line", "# hello\nUser-agent: *\n# Disallow: /x\n", "/x", true),
    RobotsCase("CRLF", "User-agent: *\r\nDisallow: /x\r\n", "/x", false),
    RobotsCase("CR only", "User-agent: *\rDisallow: /x\r", "/x", false),
    RobotsCase("no final newline", "User-agent: *\nDisallow: /x", "/x", false),
    RobotsCase("BOM", "\u{FEFF}User-agent: *\nDisallow: /x\n", "/x", false),
    RobotsCase("key case", "USER-AGENT: *\nDISALLOW: /x\n", "/x", false),
    RobotsCase("spaces around", "  User-agent :   *  \n  Disallow  :  /x  \n", "/x", false),
    RobotsCase("tabs", "User-agent:\t*\nDisallow:\t/x\n", "/x", false),
    RobotsCase("missing colon read as one (Google)", "User-agent: *\nDisallow /x\nDisallow: /y\n", "/x", false),
    RobotsCase("missing colon read as one (Google)", "User-agent: *\nDisallow /x\nDisallow: /y\n", "/y", false),
    RobotsCase("missing colon, three words: ignored", "User-agent: *\nDisallow /x y\nDisallow: /y\n", "/x", true),
    RobotsCase("typo user agent", "Useragent: *\nDisallow: /x\n", "/x", false),
    RobotsCase("html instead of robots", "<html><body>Not found</body></html>", "/x", true),
    RobotsCase("binary garbage", "\u{0}\u{1}\u{2}Disallow: /\u{7F}", "/x", true),
    RobotsCase("empty file", "", "/x", true),
    // Percent-encoding.
    RobotsCase("encoded pattern, raw path", encoded, "/café", false),
    RobotsCase("encoded pattern, encoded path", encoded, "/caf%C3%A9", false),
    RobotsCase("encoded pattern, lower-case hex path", encoded, "/caf%c3%a9", false),
    RobotsCase("unreserved escape in pattern", encoded, "/~home", false),
    RobotsCase("unreserved escape in path", "User-agent: *\nDisallow: /~me\n", "/%7Eme", false),
    RobotsCase("reserved escape stays escaped", encoded, "/a/b", true),
    RobotsCase("reserved escape stays escaped", encoded, "/a%2Fb", false),
    RobotsCase("space in pattern", encoded, "/space%20here", false),
    RobotsCase("raw UTF-8 pattern", "User-agent: *\nDisallow: /ü\n", "/%C3%BC", false),
    RobotsCase("raw UTF-8 pattern", "User-agent: *\nDisallow: /ü\n", "/u", true),
    // robots.txt itself.
    RobotsCase("robots.txt always allowed", "User-agent: *\nDisallow: /\n", "/robots.txt", true),
    RobotsCase("robots.txt always allowed", "User-agent: *\nDisallow: /robots.txt\n", "/robots.txt", true),
    RobotsCase("disallow all", "User-agent: *\nDisallow: /\n", "/", false),
    RobotsCase("empty path is root", "User-agent: *\nDisallow: /$\n", "", false),
    // Hostile patterns finish (the matcher does not backtrack).
    RobotsCase(
        "pathological", "User-agent: *\nDisallow: /" + String(repeating: "*a", count: 200) + "b\n",
        "/" + String(repeating: "a", count: 5000), true),
    RobotsCase(
        "pathological", "User-agent: *\nDisallow: /" + String(repeating: "*a", count: 200) + "\n",
        "/" + String(repeating: "a", count: 5000), false)
]

@Suite("robots.txt (RFC 9309)")
struct RobotsTxtTests {
    @Test("The rule table has at least 100 cases")
    func tableSize() {
        #expect(robotsCases.count >= 100)
    }

    @Test("Rule table", arguments: robotsCases)
    func table(_ row: RobotsCase) {
        let robots = RobotsTxt(parsing: Array(row.file.utf8))
        #expect(robots.isAllowed(row.path, userAgent: row.agent) == row.allowed)
    }

    @Test("Status codes: 2xx parses, 4xx allows all, 429/5xx disallow all but robots.txt")
    func statuses() {
        let body = Array("User-agent: *\nDisallow: /x\n".utf8)
        #expect(!RobotsTxt.from(status: 200, body: body).isAllowed("/x", userAgent: "a"))
        #expect(RobotsTxt.from(status: 200, body: body).isAllowed("/y", userAgent: "a"))
        for status in [401, 403, 404, 410] {
            #expect(RobotsTxt.from(status: status, body: body).isAllowed("/x", userAgent: "a"))
        }
        for status in [429, 500, 502, 503, 0] {
            let robots = RobotsTxt.from(status: status, body: body)
            #expect(!robots.isAllowed("/y", userAgent: "a"))
            #expect(robots.isAllowed("/robots.txt", userAgent: "a"))
        }
    }

    @Test("Sitemaps are collected from anywhere in the file")
    func sitemaps() {
        let robots = RobotsTxt(
            parsing: Array("Sitemap: http://h/a.xml\nUser-agent: *\nDisallow: /x\nSitemap: http://h/b.xml\nsitemap:http://h/c.xml".utf8))
        #expect(robots.sitemaps == ["http://h/a.xml", "http://h/b.xml", "http://h/c.xml"])
        #expect(!robots.isAllowed("/x", userAgent: "a"))
    }

    @Test("Crawl-delay per group, with the star fallback")
    func crawlDelay() {
        let robots = RobotsTxt(
            parsing: Array(
                "User-agent: AsyncURL\nCrawl-delay: 2.5\n\nUser-agent: *\nCrawl-delay: 10\nUser-agent: bad\nCrawl-delay: soon\n".utf8))
        #expect(robots.crawlDelay(for: "AsyncURL/1.0") == .milliseconds(2500))
        #expect(robots.crawlDelay(for: "other") == .seconds(10))
        #expect(robots.crawlDelay(for: "bad") == nil)
    }

    @Test("Only the first 500 KiB are parsed")
    func sizeLimit() {
        let filler = "# " + String(repeating: "x", count: 600 * 1024) + "\n"
        let late = RobotsTxt(parsing: Array(("User-agent: *\n" + filler + "Disallow: /late\n").utf8))
        #expect(late.isAllowed("/late", userAgent: "a"))
        let early = RobotsTxt(parsing: Array(("User-agent: *\nDisallow: /early\n" + filler).utf8))
        #expect(!early.isAllowed("/early", userAgent: "a"))
    }

    @Test("Matching by absolute URL uses path and query, not the fragment")
    func urls() {
        let robots = RobotsTxt(parsing: Array("User-agent: *\nDisallow: /x?\nDisallow: /frag$\n".utf8))
        #expect(!robots.isAllowed(url: "http://127.0.0.1:8080/x?a=1", userAgent: "a"))
        #expect(robots.isAllowed(url: "http://127.0.0.1:8080/x#?", userAgent: "a"))
        #expect(!robots.isAllowed(url: "https://h/frag#part", userAgent: "a"))
        #expect(RobotsPath.pathAndQuery(ofURL: "http://h") == "/")
        #expect(RobotsPath.pathAndQuery(ofURL: "http://h?q") == "/?q")
        #expect(RobotsPath.pathAndQuery(ofURL: "http://user@h:81/p/q?r#s") == "/p/q?r")
        #expect(RobotsPath.pathAndQuery(ofURL: "http://h#/x") == "/")
        #expect(RobotsPath.pathAndQuery(ofURL: "http://h/%C3%A9/ü?é#x") == "/%C3%A9/ü?é")
        #expect(RobotsPath.pathAndQuery(ofURL: "/a/b?c#d") == "/a/b?c")
        #expect(RobotsPath.pathAndQuery(ofURL: "?q") == "/?q")
        #expect(RobotsPath.pathAndQuery(ofURL: "") == "/")
        #expect(RobotsPath.pathAndQuery(ofURL: "a b://h/p") == "a b://h/p")
    }

    @Test(
        "Path normalisation: plain paths unchanged; escapes of unreserved bytes decoded, others upper-cased; raw non-ASCII, controls, space and DEL escaped",
        arguments: [
            ("/a/b.html?q=1&r=x", "/a/b.html?q=1&r=x"), ("/%7e%41%2f", "/~A%2F"), ("/café", "/caf%C3%A9"), ("/a b", "/a%20b"),
            ("/x\u{7F}", "/x%7F"), ("/%zz%4", "/%zz%4"), ("/%c3%a9", "/%C3%A9"), ("", "")
        ])
    func normalize(path: String, expected: String) {
        #expect(String(decoding: RobotsPath.normalize(Array(path.utf8)), as: UTF8.self) == expected)
    }
}
