import Foundation
import TestServer
import Testing

/// `asyncurl-crawl --state DIR --explain URL`, and `--frontier redis://…
/// --explain URL` for a shared crawl, after a crawl of a loopback site with a
/// robots.txt disallow, a depth limit, a duplicate and an external link: the
/// right answer for each, in text and in JSON.
@Suite("asyncurl-crawl --explain", .serialized)
struct ExplainCommandTests {
    private let scratch: ScratchDirectory
    private var directory: String { scratch.path }

    init() throws {
        scratch = try ScratchDirectory("asyncurl-explain")
    }

    private func logText(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    /// `/` links to /a, /private/x (disallowed), /dup twice (the second with
    /// utm_source, the same canonical URL) and an external host; /a links to
    /// /b, /b to /c (one past --max-depth 2).
    private static func site() async throws -> TestServer {
        let server = try await TestServer.start()
        let pages = [
            "/": "<a href=/a>a</a><a href=/private/x>p</a><a href=/dup>d</a><a href=/dup?utm_source=news>d2</a>"
                + "<a href=http://127.0.0.2:9/ext>e</a>",
            "/a": "<a href=/b>b</a>", "/b": "<a href=/c>c</a>", "/dup": "dup", "/c": "c"
        ]
        server.addRoute("/robots.txt") { _ in TestResponse(status: 200, text: "User-agent: *\nDisallow: /private/\n") }
        server.addRoute("/") { request in
            guard let body = pages[request.path] else { return TestResponse(status: 404, text: "not found") }
            return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>\(body)</body></html>".utf8))
        }
        return server
    }

    /// Runs `--explain url` on the crawl `crawl` names (`--state DIR` or
    /// `--frontier URL`), with `--json` when asked; its exit status and output.
    private func explain(_ url: String, json: Bool, name: String, crawl: [String]) async throws -> (status: Int32?, text: String) {
        let process = try CrawlCommandProcess(
            crawl + ["--explain", url] + (json ? ["--json"] : []), logPath: directory + "/" + name)
        let status = await process.waitForExit()
        return (status, logText(name))
    }

    private func object(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(
        "Fetched (status and the chain to the seed), robots.txt (group and line), depth limit, duplicate, external, never seen",
        arguments: ["state", "redis"])
    func explainEachCase(_ kept: String) async throws {
        let redis = kept == "redis" ? try RedisTestServer.start() : nil
        defer { redis?.stop() }
        let crawlAt = redis.map { ["--frontier", "redis://127.0.0.1:\($0.port)/explain"] } ?? ["--state", directory + "/state"]
        func explain(_ url: String, json: Bool, name: String) async throws -> (status: Int32?, text: String) {
            try await self.explain(url, json: json, name: name, crawl: crawlAt)
        }
        let server = try await Self.site()
        let crawl = try CrawlCommandProcess(
            [server.url("/"), "--max-depth", "2", "--quiet"] + crawlAt, logPath: directory + "/crawl.log")
        #expect(await crawl.waitForExit() == 0, "\(logText("crawl.log"))")
        try await server.shutdown()

        var (status, text) = try await explain(server.url("/b"), json: false, name: "b.txt")
        #expect(status == 0)
        #expect(text.contains("was fetched: status 200"), "\(text)")
        #expect(
            text.contains("found on \(server.url("/a")) (depth 1, fetched)") && text.contains("from \(server.url("/")) (depth 0, fetched)"),
            "\(text)")
        var json = try object(try await explain(server.url("/b"), json: true, name: "b.json").text)
        #expect(json["verdict"] as? String == "fetched" && json["status"] as? Int == 200 && json["depth"] as? Int == 2)
        #expect((json["referrers"] as? [[String: Any]])?.compactMap { $0["url"] as? String } == [server.url("/a"), server.url("/")])

        (status, text) = try await explain(server.url("/private/x"), json: false, name: "robots.txt")
        #expect(status == 0 && text.contains("refused by robots.txt: User-agent: *, line 2: Disallow: /private/"), "\(text)")
        json = try object(try await explain(server.url("/private/x"), json: true, name: "robots.json").text)
        #expect(json["verdict"] as? String == "refused" && json["reason"] as? String == "robots")

        (status, text) = try await explain(server.url("/c"), json: false, name: "deep.txt")
        #expect(status == 0 && text.contains("depth 3 is over the depth limit (--max-depth 2)"), "\(text)")
        json = try object(try await explain(server.url("/c"), json: true, name: "deep.json").text)
        #expect(json["reason"] as? String == "scope" && json["depth"] as? Int == 3)

        (status, text) = try await explain(server.url("/dup?utm_source=news"), json: false, name: "dup.txt")
        #expect(
            status == 0 && text.contains("is a duplicate of \(server.url("/dup"))") && text.contains("was fetched: status 200"), "\(text)")
        json = try object(try await explain(server.url("/dup?utm_source=news"), json: true, name: "dup.json").text)
        #expect(json["duplicateOf"] as? String == server.url("/dup"))

        (status, text) = try await explain("http://127.0.0.2:9/ext", json: false, name: "ext.txt")
        #expect(status == 0 && text.contains("refused by the scope: host http://127.0.0.2:9 is not in scope"), "\(text)")
        json = try object(try await explain("http://127.0.0.2:9/ext", json: true, name: "ext.json").text)
        #expect(json["reason"] as? String == "scope")

        (status, text) = try await explain(server.url("/never"), json: false, name: "never.txt")
        #expect(status == 0 && text.contains("was never seen"), "\(text)")
        json = try object(try await explain(server.url("/never"), json: true, name: "never.json").text)
        #expect(json["verdict"] as? String == "neverSeen")
    }

    @Test("A shared crawl: the page limit, a trap rule, a host whose robots.txt cannot be fetched (counted apart by --status)")
    func explainSharedLimits() async throws {
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/") { _ in
            TestResponse(headers: [("Content-Type", "text/html")], body: Array("<a href=/a>a</a><a href=/t/t/t/t/x>t</a>".utf8))
        }
        let limited = ["--frontier", "redis://127.0.0.1:\(redis.port)/limited"]
        var crawl = try CrawlCommandProcess([server.url("/"), "--max-pages", "1", "--quiet"] + limited, logPath: directory + "/limited.log")
        #expect(await crawl.waitForExit() == 0, "\(logText("limited.log"))")
        var (status, text) = try await explain(server.url("/a"), json: false, name: "limit.txt", crawl: limited)
        #expect(status == 0 && text.contains("refused by the page limit: the page limit was reached: 1 pages in all"), "\(text)")
        (status, text) = try await explain(server.url("/t/t/t/t/x"), json: false, name: "trap.txt", crawl: limited)
        #expect(status == 0 && text.contains("refused by the scope: a trap rule: a path segment repeats more than 3 times"), "\(text)")
        try await server.shutdown()

        // Nothing listens on port 1: robots.txt fails three times (2 s, then 4 s apart) and the host is given up.
        let unreachable = ["--frontier", "redis://127.0.0.1:\(redis.port)/unreachable"]
        // With --per-host 1 one seed is claimed (and refused) while the other waits in the host's queue, dropped with it.
        crawl = try CrawlCommandProcess(
            ["http://127.0.0.1:1/", "http://127.0.0.1:1/b", "--per-host", "1", "--quiet"] + unreachable,
            logPath: directory + "/unreachable.log")
        _ = await crawl.waitForExit()
        for (index, url) in ["http://127.0.0.1:1/", "http://127.0.0.1:1/b"].enumerated() {
            (status, text) = try await explain(url, json: true, name: "unreachable-\(index).json", crawl: unreachable)
            let json = try object(text)
            #expect(status == 0 && json["reason"] as? String == "hostGivenUp", "\(text)")
            #expect((json["detail"] as? String)?.contains("robots.txt of http://127.0.0.1:1 could not be fetched") == true, "\(text)")
        }
        let report = try CrawlCommandProcess(unreachable + ["--status"], logPath: directory + "/status.log")
        #expect(await report.waitForExit() == 0)
        #expect(logText("status.log").contains("robotsUnavailable 2"), "\(logText("status.log"))")
        #expect(!logText("status.log").contains("robotsDenied"), "\(logText("status.log"))")
    }

    @Test("--no-explain-record: the crawl records nothing, and --explain says never seen", arguments: ["state", "redis"])
    func recordOff(_ kept: String) async throws {
        let redis = kept == "redis" ? try RedisTestServer.start() : nil
        defer { redis?.stop() }
        let crawlAt = redis.map { ["--frontier", "redis://127.0.0.1:\($0.port)/off"] } ?? ["--state", directory + "/state-off"]
        let server = try await Self.site()
        let crawl = try CrawlCommandProcess([server.url("/"), "--quiet", "--no-explain-record"] + crawlAt, logPath: directory + "/off.log")
        #expect(await crawl.waitForExit() == 0, "\(logText("off.log"))")
        try await server.shutdown()
        for (index, path) in ["/", "/a", "/private/x"].enumerated() {
            let (status, text) = try await explain(server.url(path), json: false, name: "off-\(index).txt", crawl: crawlAt)
            #expect(status == 0 && text.contains("was never seen"), "\(text)")
        }
    }

    @Test("--explain without --state is a usage error")
    func needsState() async throws {
        let process = try CrawlCommandProcess(["--explain", "http://127.0.0.1:1/"], logPath: directory + "/usage.log")
        #expect(await process.waitForExit() == 64)
        #expect(logText("usage.log").contains("--explain needs --state DIR or --frontier redis://"))
    }
}
