import CrawlFrontier
import Testing

/// What fuzz-robots (`scripts/fuzz.sh`) showed; each failed before its fix.
@Suite("Fuzz regressions: robots.txt")
struct RobotsFuzzRegressionTests {
    /// fuzz-robots ran at 40 inputs/s: matching allocated and scanned a position table per
    /// pattern octet, pattern length × path length work. A hostile file within the 500 KiB
    /// limit (240 rules of 2 KB) took 1.4 s of CPU for every URL of its host; now well
    /// under a millisecond. 40 decisions took over 90 s before (debug build); the limit is generous.
    @Test("a hostile file of 240 long rules decides 40 URLs quickly", .timeLimit(.minutes(1)))
    func longRules() {
        var file = "User-agent: *\n"
        for index in 0..<240 { file += "Disallow: /" + String(repeating: "a", count: 2000) + "b\(index)\n" }
        file += "Disallow: /*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*z$\n"
        let robots = RobotsTxt(parsing: Array(file.utf8))
        #expect(robots.groups.first?.rules.count == 241)
        for length in 1...40 {
            let path = "/" + String(repeating: "a", count: 1900 + length)
            #expect(robots.isAllowed(path, userAgent: "AsyncURL"))
        }
        #expect(!robots.isAllowed("/" + String(repeating: "a", count: 2000) + "b7", userAgent: "AsyncURL"))
        #expect(!robots.isAllowed("/" + String(repeating: "a", count: 40) + "z", userAgent: "AsyncURL"))
    }

    /// Cases for the piece-by-piece matcher that replaced the position table.
    @Test(
        "wildcard matching",
        arguments: [
            ("/aab", "/aaab", false),  // a prefix, not a substring
            ("/*aab", "/aaab", true),  // a failed partial match must not skip a real one
            ("/*abab*c$", "/ababab-c", true),
            ("/*abab*c$", "/abac", false),
            ("/a*b*c", "/acb", false),
            ("/a*b$", "/ab/b", true),
            ("/a*b$", "/ab/bc", false),
            ("/a**b", "/ab", true),
            ("*", "/", true),
            ("/*$", "/x", true),
            ("/x$", "/x", true),
            ("/x$", "/xy", false),
            ("/abc*", "/ab", false),
            ("/*ab*ab", "/ab", false)
        ])
    func wildcard(pattern: String, path: String, matches: Bool) {
        #expect(RobotsPattern(pattern).matches(RobotsPath.normalize(Array(path.utf8))) == matches)
    }
}
