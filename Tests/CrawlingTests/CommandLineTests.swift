import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `asyncurl-crawl` binary as a user meets it: bad seeds, an unreachable
/// site, `fetch`, and `--help` at 80 columns.
@Suite("The command line")
struct CommandLineTests {
    /// Runs `asyncurl-crawl` with `arguments` to the end; its exit code and what it printed.
    private func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (exit: Int32, text: String) {
        try await CrawlCommandProcess.run(arguments, environment: environment)
    }

    // MARK: Bad seeds

    @Test(
        "A seed that is not a URL, or not http(s), is a usage error naming it, before anything starts",
        arguments: [
            ("not a url", "the seed 'not a url' is not a URL"),
            ("ftp://example.com/", "the seed 'ftp://example.com/' has the scheme ftp: only http and https URLs can be crawled"),
            ("example.com", "did you mean http://example.com/?")
        ])
    func badSeed(seed: String, message: String) async throws {
        let result = try await run([seed])
        #expect(result.exit == 64, "\(result.text)")
        #expect(result.text.contains(message), "\(result.text)")
        #expect(!result.text.contains("pages:"), "no crawl started")
    }

    @Test("A --seeds-file line that is no seed is a usage error naming the file and line; an unreadable file too")
    func badSeedsFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-seeds-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "http://127.0.0.1:9/\n\n# a comment\nnot a url\nmailto:a@b.test\n".write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try await run(["--seeds-file", path])
        #expect(bad.exit == 64, "\(bad.text)")
        #expect(bad.text.contains("line 4: the seed 'not a url' is not a URL"), "\(bad.text)")
        #expect(bad.text.contains("(and 1 more line)"), "\(bad.text)")
        let missing = try await run(["--seeds-file", path + ".missing"])
        #expect(missing.exit == 64, "\(missing.text)")
        #expect(missing.text.contains("cannot read --seeds-file"), "\(missing.text)")
    }

    @Test("Seeds are checked once per authority, and a bad one after many good ones of another authority is still named by its line")
    func seedsFileAuthorities() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-seeds-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines = (0..<500).map { "http://127.0.0.1:9/p\($0)?q#f" }
        lines += ["http://127.0.0.1:99999/port", "HTTP://127.0.0.1:9/upper", "http://127.0.0.1:9\\back", "ftp://127.0.0.1:9/x"]
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try await run(["--seeds-file", path])
        #expect(bad.exit == 64, "\(bad.text)")
        #expect(bad.text.contains("line 501: the seed 'http://127.0.0.1:99999/port' is not a URL"), "\(bad.text)")
        #expect(bad.text.contains("(and 1 more line)"), "\(bad.text)")
    }

    @Test(
        "Nothing listening: the summary says robots.txt could not be fetched and why, apart from robots denials, and counts it as an error")
    func nothingListening() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let result = try await run(["http://127.0.0.1:\(port)/"])
        #expect(result.exit == 1, "\(result.text)")
        #expect(
            result.text.contains("robots.txt of 127.0.0.1:\(port) could not be fetched: connection refused; its URLs were not crawled"),
            "\(result.text)")
        #expect(result.text.contains("robots denied:  0\n"), "\(result.text)")
        #expect(result.text.contains("robots failed:  1 "), "\(result.text)")
        // The error count is the sum of the kinds it lists.
        let line = try #require(result.text.split(separator: "\n").first { $0.hasPrefix("errors:") })
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.first == numbers.dropFirst().reduce(0, +) && numbers.first == 1, "\(line)")
    }

    // MARK: fetch

    /// A site with a title, a link, a paragraph, a robots.txt disallowing
    /// `/private`, a redirect to another loopback address and a large page.
    private func site() async throws -> TestServer {
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /private\n") }
        server.addRoute("/page") { request in
            TestResponse(
                headers: [("Content-Type", "text/html"), ("X-Seen-Agent", request.header("User-Agent") ?? "")],
                body: Array(
                    "<html><head><title>The title</title></head><body><p class='x'>one <b>two</b></p><a href='/next?a=1'>Next page</a></body></html>"
                        .utf8))
        }
        server.addRoute("/private") { _ in TestResponse(text: "secret") }
        server.addRoute("/elsewhere") { _ in TestResponse(status: 302, headers: [("Location", "http://127.0.0.2:\(server.port)/page")]) }
        server.addRoute("/large") { _ in TestResponse(text: String(repeating: "x", count: 100_000)) }
        return server
    }

    @Test("fetch prints the status, headers and the page's links, what an XPath or CSS selector selects, or the body")
    func fetch() async throws {
        let server = try await site()
        let page = server.url("/page")
        let links = try await run(["fetch", page, "--links", "--user-agent", "DebugBot/2"])
        let xpath = try await run(["fetch", page, "--xpath", "//title/text()"])
        let css = try await run(["fetch", page, "--css", "p.x"])
        let body = try await run(["fetch", page])
        try await server.shutdown()
        #expect(links.exit == 0, "\(links.text)")
        #expect(links.text.hasPrefix("HTTP/1.1 200 \(page)\n"), "\(links.text)")
        #expect(links.text.contains("X-Seen-Agent: DebugBot/2\n"), "the crawl's user agent: \(links.text)")
        #expect(links.text.hasSuffix("\n\n\(server.url("/next?a=1"))\tNext page\n"), "\(links.text)")
        #expect(xpath.text.hasSuffix("\n\nThe title\n"), "\(xpath.text)")
        #expect(css.text.hasSuffix("\n\n<p class=\"x\">one <b>two</b></p>\n"), "\(css.text)")
        #expect(body.text.contains("<title>The title</title>"), "\(body.text)")
        // robots.txt first, every time (once more when a fetch of it failed and was tried again, on a loaded machine).
        let paths = server.recordedRequests.map(\.path)
        #expect(paths.filter { $0 == "/page" }.count == 4)
        #expect(
            paths.split(separator: "/page", omittingEmptySubsequences: false).dropLast().allSatisfy { $0.contains("/robots.txt") },
            "\(paths)")
    }

    @Test("fetch obeys robots.txt, the address guard and the body limit, and says so (exit 1)")
    func fetchRefusals() async throws {
        let server = try await site()
        let denied = try await run(["fetch", server.url("/private")])
        let redirected = try await run(["fetch", server.url("/elsewhere")])
        let large = try await run(["fetch", server.url("/large"), "--max-body", "1000"])
        let ignoring = try await run(["fetch", server.url("/private"), "--ignore-robots"])
        try await server.shutdown()
        #expect(denied.exit == 1 && denied.text.contains("is disallowed by \(server.url("/robots.txt"))"), "\(denied.text)")
        #expect(redirected.exit == 1 && redirected.text.contains("blockedAddress"), "\(redirected.text)")
        #expect(large.exit == 1 && large.text.contains("bodyTooLarge"), "\(large.text)")
        #expect(ignoring.exit == 0 && ignoring.text.hasSuffix("\n\nsecret\n"), "\(ignoring.text)")
        #expect(server.recordedRequests.filter { $0.path == "/private" }.count == 1, "fetched only with --ignore-robots")
    }

    @Test("fetch: an invalid XPath expression or URL is a usage error, before anything is fetched")
    func fetchUsage() async throws {
        let badXPath = try await run(["fetch", "http://127.0.0.1:9/", "--xpath", "//a[["])
        #expect(badXPath.exit == 64 && badXPath.text.contains("invalid XPath expression"), "\(badXPath.text)")
        let badURL = try await run(["fetch", "ftp://127.0.0.1/"])
        #expect(badURL.exit == 64 && badURL.text.contains("has the scheme ftp"), "\(badURL.text)")
    }

    // MARK: Help

    @Test(
        "--help at 80 columns: paragraphs wrap at the width, never break early mid-sentence",
        arguments: [
            ["--help"], ["help", "crawl"], ["help", "fetch"]
        ])
    func helpText(arguments: [String]) async throws {
        let result = try await run(arguments, environment: ["COLUMNS": "80"])
        #expect(result.exit == 0, "\(result.text)")
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
        // The overview and discussion: a line followed by another of its paragraph fills most of the width.
        let prose = lines.prefix { !$0.hasPrefix("USAGE:") }
        for (line, next) in zip(prose, prose.dropFirst()) where !line.isEmpty && !next.isEmpty {
            let nextWord = next.split(separator: " ").first.map(String.init) ?? ""
            #expect(line.count + 1 + nextWord.count >= 80, "broken early: \"\(line)\" / \"\(next)\"")
        }
    }
}
