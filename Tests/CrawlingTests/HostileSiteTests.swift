import Crawling
import Foundation
import TestServer
import Testing

/// Crawls of hostile sites: ordinary pages (under `/ok/`) sit among pages that
/// loop, stall, lie, explode or break the rules. Every crawl must finish,
/// fetch every ordinary page, and report each failure in the page log and
/// the statistics. (Each behaviour alone is tested at the fetch core and
/// the link extractor; here the whole crawler meets them together.)
// Time limits are hang guards (the crawls take seconds), above LoggedCrawl's 240 s watchdog.
@Suite("A crawl of a hostile site", .serialized, .timeLimit(.minutes(5)))
struct HostileSiteTests {
    /// `/redirect-to?url=TARGET` on the test server, TARGET percent-encoded.
    private static func redirect(to target: String) -> String {
        "/redirect-to?url=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    /// `date` as an HTTP-date (IMF-fixdate).
    private static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// A server on 127.0.0.1 and one on 127.0.0.2, both serving ordinary pages.
    private static func twoHosts() async throws -> (TestServer, TestServer) {
        let first = try await TestServer.start()
        let second = try await TestServer.start(host: "127.0.0.2")
        first.addOrdinaryPages()
        second.addOrdinaryPages()
        return (first, second)
    }

    // MARK: Redirects

    @Test("Redirect loops, 20-hop chains and redirects to other schemes fail clearly; an off-host redirect is recorded as its 3xx")
    func redirects() async throws {
        let (server, elsewhere) = try await Self.twoHosts()
        let schemes = [
            "file:///etc/passwd", "ftp://127.0.0.1/file", "gopher://127.0.0.1/", "dict://127.0.0.1/", "data:text/html,<a href=/never>x</a>"
        ]
        let toSchemes = schemes.map(Self.redirect(to:))
        let offHost = Self.redirect(to: elsewhere.url("/ok/elsewhere"))
        let inScope = Self.redirect(to: "/ok/target")
        let ordinary = (1...3).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(ordinary + ["/redirect-loop", "/redirect/20", offHost, inScope] + toSchemes) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()
        try await elsewhere.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(ordinary.map(server.url)) == [])
        #expect(crawl.record(server.url("/redirect-loop"))?.errorKind == "tooManyRedirects")
        #expect(crawl.record(server.url("/redirect/20"))?.errorKind == "tooManyRedirects")
        // The first request and the 10 hops allowed; never the end of the chain.
        #expect(server.requests(under: "/redirect/").count == 11)
        for (target, path) in zip(schemes, toSchemes) {
            #expect(
                crawl.record(server.url(path))?.errorKind == "forbiddenRedirect",
                "redirect to \(target): \(crawl.records.map { "\($0.url) \($0.status ?? 0) \($0.error ?? "")" })")
        }
        #expect(crawl.stats.errorKinds["forbiddenRedirect"] == schemes.count)
        #expect(crawl.stats.errorKinds["tooManyRedirects"] == 2)
        // Off scope: the 302 itself is the page; the other host is never asked.
        let offHostRecord = crawl.record(server.url(offHost))
        #expect(offHostRecord?.status == 302 && offHostRecord?.error == nil)
        #expect(elsewhere.recordedRequests.isEmpty)
        // In scope: followed, logged under the URL linked, fetched once.
        let followed = crawl.record(server.url(inScope))
        #expect(followed?.status == 200 && followed?.finalURL == server.url("/ok/target"))
        #expect(server.requests(under: "/ok/target").count == 1)
    }

    // MARK: Slow servers

    @Test("A body at 1 byte/s, headers at 1 byte/s and a server that never answers time out; the other host is not held up")
    func slowServers() async throws {
        let (slow, quick) = try await Self.twoHosts()
        let stalling = ["/slow-body?bytes=100&interval_ms=1000", "/slow-headers?interval_ms=1000", "/hang"]
        let slowOrdinary = (1...3).map { "/ok/slow-host-\($0)" }
        let quickOrdinary = (1...20).map { "/ok/\($0)" }
        slow.addRoute("/start") { _ in .links(stalling + slowOrdinary) }
        quick.addRoute("/start") { _ in .links(quickOrdinary) }
        var settings = CrawlSettings()
        // 5 s, tried twice: the stalling URLs' first time-out is logged after 10 s at the
        // earliest, a margin the quick host's 20 pages keep even on a loaded 2-core machine
        // (with 2 s they did not, once, with a 100 M-URL benchmark and two test runs beside).
        settings.timeout = .seconds(5)
        settings.maxRetries = 1
        settings.perHostConcurrency = 4

        let crawl = try await LoggedCrawl.run(seeds: [slow.url("/start"), quick.url("/start")], settings: settings)
        try await slow.shutdown()
        try await quick.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(slowOrdinary.map(slow.url) + quickOrdinary.map(quick.url)) == [])
        for path in stalling {
            #expect(crawl.record(slow.url(path))?.errorKind == "timeout", "\(path)")
            let pathOnly = String(path.prefix { $0 != "?" })
            #expect(slow.requests(under: pathOnly).count == 2, "\(path): tried, then retried once")
        }
        #expect(crawl.stats.errorKinds["timeout"] == 3)
        // The three stalling URLs were retried once each; on a loaded machine an
        // ordinary page may also wait past the 5 s limit for a connection and be
        // retried once (never more: maxRetries is 1).
        #expect(crawl.stats.retries >= 3 && crawl.stats.retries <= 3 + slowOrdinary.count + quickOrdinary.count)
        // Every page of the quick host is logged before the first time-out is.
        let lastQuick = quickOrdinary.compactMap { crawl.position(of: quick.url($0)) }.max() ?? .max
        let firstTimeout = stalling.compactMap { crawl.position(of: slow.url($0)) }.min() ?? .min
        #expect(lastQuick < firstTimeout)
    }

    // MARK: Huge bodies and bombs

    @Test("200 MB bodies and ~1 GiB decompression bombs are cut at the body limit; the crawler's peak memory stays bounded")
    func hugeBodies() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let huge = [
            "/bytes/200000000", "/chunked/200000000", "/gzip-bomb/1073741824", "/deflate-bomb/1073741824",
            "/brotli-bomb/1073741824", "/gzip-gzip-bomb/1073741824"
        ]
        let ordinary = (1...5).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(huge + ordinary) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-bombs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // In a child process, so that its peak resident memory is its own.
        let process = try CrawlCommandProcess(
            [
                server.url("/start"), "--output", directory + "/pages.jsonl", "--stats", directory + "/stats.json",
                "--timeout", "30", "--quiet"
            ], logPath: directory + "/output.txt")
        let exitCode = await process.waitForExit(limit: .seconds(240))
        try await server.shutdown()

        #expect(exitCode == 0, "\((try? String(contentsOfFile: directory + "/output.txt", encoding: .utf8)) ?? "")")
        let stats = try JSONDecoder().decode(CrawlStats.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/stats.json")))
        let crawl = LoggedCrawl(stats: stats, records: try LoggedCrawl.readRecords(atPath: directory + "/pages.jsonl"), overran: false)
        #expect(crawl.missing(ordinary.map(server.url)) == [])
        for path in huge {
            #expect(crawl.record(server.url(path))?.errorKind == "bodyTooLarge", "\(path)")
        }
        #expect(stats.errorKinds["bodyTooLarge"] == huge.count)
        let peak = process.peakResidentBytes(reportedIn: directory + "/stats.json") ?? .max
        print("asyncurl-crawl peak RSS with 200 MB bodies and 1 GiB bombs: \(peak >> 20) MiB")
        #expect(peak < 400 << 20, "peak RSS \(peak >> 20) MiB")
    }

    // MARK: Link amplification

    @Test("A 1 MB and a 9 MB page of <base href> and 2,000 links ?N: the base is refused, peak memory stays bounded, the crawl goes on")
    func hugeBaseHref() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        // The ?N pages are left out by robots.txt: the test is about what the page costs, not about 4,000 more fetches.
        server.addRoute("/robots.txt") { _ in
            TestResponse(text: "User-agent: *\nDisallow: /hostile/base-1mb?\nDisallow: /hostile/base-9mb?\n")
        }
        for (name, size) in [("1mb", 1_000_000), ("9mb", 9_000_000)] {
            let body = Array(
                ("<html><head><base href=\"http://127.0.0.1:\(server.port)/" + String(repeating: "b", count: size) + "\"></head><body>"
                    + (0..<2000).map { "<a href=\"?\($0)\">\($0)</a>" }.joined()
                    + "<a href=\"/ok/after-base-\(name)\">after</a><a href=\"/ok/" + String(repeating: "l", count: 3000)
                    + "\">long</a></body></html>").utf8)
            server.addRoute("/hostile/base-\(name)") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: body) }
        }
        let ordinary = (1...5).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(["/hostile/base-1mb", "/hostile/base-9mb"] + ordinary) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-base-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let process = try CrawlCommandProcess(
            [
                server.url("/start"), "--output", directory + "/pages.jsonl", "--stats", directory + "/stats.json",
                "--quiet"
            ], logPath: directory + "/output.txt")
        let exitCode = await process.waitForExit(limit: .seconds(240))
        try await server.shutdown()

        #expect(exitCode == 0, "\((try? String(contentsOfFile: directory + "/output.txt", encoding: .utf8)) ?? "")")
        let stats = try JSONDecoder().decode(CrawlStats.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/stats.json")))
        let crawl = LoggedCrawl(stats: stats, records: try LoggedCrawl.readRecords(atPath: directory + "/pages.jsonl"), overran: false)
        // Past the pages: their own links and the start page's others are fetched.
        #expect(crawl.missing((ordinary + ["/ok/after-base-1mb", "/ok/after-base-9mb"]).map(server.url)) == [])
        #expect(stats.baseHrefsDropped == 2)
        // Each page: the 3,000-byte link is too long; with the base refused, ?N resolves against the page (and robots.txt denies it).
        #expect(stats.linksTooLong == 2)
        #expect(stats.robotsDenied == 4000)
        for name in ["1mb", "9mb"] {
            let record = crawl.record(server.url("/hostile/base-\(name)"))
            #expect(record?.status == 200 && record?.linksDropped == 2, "\(String(describing: record))")
        }
        let peak = process.peakResidentBytes(reportedIn: directory + "/stats.json") ?? .max
        print("asyncurl-crawl peak RSS with 1 MB and 9 MB <base href> pages: \(peak >> 20) MiB")
        #expect(peak < 400 << 20, "peak RSS \(peak >> 20) MiB")
    }

    // MARK: Charsets

    @Test("Latin-1, invalid UTF-8, a charset only in <meta>, a wrong header charset and UTF-16 with a BOM: every page's links are followed")
    func charsets() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
        func page(_ contentType: String, _ body: [UInt8]) -> TestResponse {
            TestResponse(headers: [("Content-Type", contentType)], body: body)
        }
        let e9: [UInt8] = [0xE9]  // é in Latin-1
        let pages: [String: TestResponse] = [
            "latin1": page(
                "text/html; charset=iso-8859-1",
                bytes("<html><body><p>caf") + e9 + bytes("</p><a href=\"/ok/latin1\">x</a><a href=\"/ok/latin1-caf") + e9
                    + bytes("\">y</a>")),
            "invalid-utf8": page(
                "text/html; charset=utf-8",
                bytes("<html><body><p>") + [0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82, 0xF0, 0x28, 0x8C, 0x28]
                    + bytes("</p><a href=\"/ok/invalid-utf8\">x</a>")),
            "meta": page(
                "text/html",
                bytes("<html><head><meta charset=\"windows-1252\"></head><body>caf") + e9 + bytes("<a href=\"/ok/meta-caf") + e9
                    + bytes("\">x</a><a href=\"/ok/meta\">y</a>")),
            "wrong-header": page("text/html; charset=iso-8859-1", bytes("<html><body><p>café 日本語</p><a href=\"/ok/wrong-header\">x</a>")),
            "unknown-label": page("text/html; charset=x-no-such-charset", bytes("<html><body><a href=\"/ok/unknown-label\">x</a>")),
            "utf16": page(
                "text/html",
                [0xFF, 0xFE]
                    + "<html><body><p>café</p><a href=\"/ok/utf16\">x</a></body></html>".utf16.flatMap {
                        [UInt8($0 & 0xFF), UInt8($0 >> 8)]
                    })
        ]
        for (name, response) in pages {
            server.addRoute("/charset/\(name)") { _ in response }
        }
        server.addRoute("/start") { _ in .links(pages.keys.sorted().map { "/charset/\($0)" }) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(pages.keys.map { server.url("/charset/\($0)") }) == [])
        // The links each page holds; é decoded with the page's charset is %C3%A9 in the URL.
        let linked = [
            "/ok/latin1", "/ok/latin1-caf%C3%A9", "/ok/invalid-utf8", "/ok/meta", "/ok/meta-caf%C3%A9",
            "/ok/wrong-header", "/ok/unknown-label", "/ok/utf16"
        ]
        #expect(crawl.missing(linked.map(server.url)) == [])
        #expect(crawl.stats.errors == 0)
    }

    // MARK: Malformed HTML

    @Test("Unclosed tags, NUL bytes, an unclosed comment, 100k nested divs, a 4 MB attribute, <script> and 200k links on one page")
    func malformedHTML() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let deep = String(repeating: "<div>", count: 100_000)
        let manyLinks = (0..<200_000).map { index in
            index.isMultiple(of: 2) ? "<a href=\"/ok/many-\(index / 2 % 10)\">m</a>" : "<a href=\"http://127.0.0.9:9/off-\(index)\">o</a>"
        }.joined()
        let pages: [String: [UInt8]] = [
            "unclosed": Array(
                "<html><body><div><p><a href=\"/ok/unclosed-1\">one<a href=\"/ok/unclosed-2\">two<table><tr><td><a href=/ok/unclosed-3>three"
                    .utf8),
            "nul": Array("<html><body>te\u{0}xt<a href=\"/ok/nul\"\u{0}>x\u{0}</a><p\u{0}>".utf8),
            "comment": Array("<html><body><a href=\"/ok/before-comment\">x</a><!-- never closed <a href=\"/never/in-comment\">y</a>".utf8),
            "deep": Array("<html><body>\(deep)<a href=\"/ok/after-deep\">x</a>".utf8),
            "attribute": Array(
                "<html><body><div title=\"\(String(repeating: "x", count: 4 << 20))\">x</div><a href=\"/ok/after-attribute\">y</a>".utf8),
            "script": Array(
                "<html><head><script>document.write('<a href=\"/never/in-script\">x</a>')</script></head><body><a href=\"/ok/after-script\">y</a>"
                    .utf8),
            "many": Array("<html><body>\(manyLinks)</body></html>".utf8)
        ]
        for (name, body) in pages {
            server.addRoute("/html/\(name)") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: body) }
        }
        server.addRoute("/start") { _ in .links(pages.keys.sorted().map { "/html/\($0)" }) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(pages.keys.map { server.url("/html/\($0)") }) == [])
        let linked =
            [
                "/ok/unclosed-1", "/ok/unclosed-2", "/ok/unclosed-3", "/ok/nul", "/ok/before-comment", "/ok/after-deep",
                "/ok/after-attribute", "/ok/after-script"
            ] + (0..<10).map { "/ok/many-\($0)" }
        #expect(crawl.missing(linked.map(server.url)) == [])
        #expect(server.requests(under: "/never/").isEmpty)
        // 200k links to 10 pages and to another host: few fetches, the rest counted.
        #expect(crawl.record(server.url("/html/many"))?.links ?? 0 > 0)
        #expect(crawl.stats.offScope > 0)
        #expect(crawl.stats.duplicates > 0)
        #expect(crawl.stats.pages == 1 + pages.count + linked.count)
    }

    // MARK: Traps

    @Test("An infinite calendar, session ids in URLs and ever-growing relative paths are stopped by the default limits")
    func traps() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/calendar/") { request in
            // /calendar/2026/11 links to the next month, forever.
            let parts = request.path.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2 else { return TestResponse(status: 404, text: "no such month") }
            let (year, month) = parts[1] == 12 ? (parts[0] + 1, 1) : (parts[0], parts[1] + 1)
            return .links(["/calendar/\(year)/\(month)", "/ok/calendar"])
        }
        server.addRoute("/session/") { _ in
            // A fresh session id in every link, in the path and in the query.
            .links(["/session/page;jsessionid=\(UUID().uuidString)", "/session/page?PHPSESSID=\(UUID().uuidString)", "/ok/session"])
        }
        server.addRoute("/grow/") { _ in .links(["a/b/", "/ok/grow"]) }

        let crawl = try await LoggedCrawl.run(seeds: [
            server.url("/calendar/2026/11"), server.url("/session/start"), server.url("/grow/a/b/")
        ])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(["/ok/calendar", "/ok/session", "/ok/grow"].map(server.url)) == [])
        // The calendar: depth 20 stops it (months at depths 0...20).
        #expect(server.requests(under: "/calendar/").count == 21)
        #expect(crawl.stats.maxDepth == 20)
        // Session ids: the canonical form drops them (;jsessionid= in the path,
        // PHPSESSID in the query), so all the variants are one page, fetched
        // once, as the first link that reached the frontier wrote it.
        let sessionTargets = server.requests(under: "/session/").map(\.target)
        #expect(sessionTargets.count == 2, "\(sessionTargets)")
        #expect(sessionTargets.contains("/session/start"))
        #expect(sessionTargets.filter { $0.hasPrefix("/session/page") }.count == 1)
        // Growing paths: /grow/a/b/a/b/a/b/ is the last; one more "a" is one repeat too many.
        #expect(server.requests(under: "/grow/").map(\.path).sorted() == ["/grow/a/b/", "/grow/a/b/a/b/", "/grow/a/b/a/b/a/b/"])
        #expect(crawl.stats.limited >= 2)
        #expect(crawl.stats.pages < 40)
    }

    // MARK: Busy servers

    @Test(
        "429 with Retry-After in seconds and as an HTTP-date, 503 once: fetched on retry; 503 forever: retries bounded, the last 503 recorded"
    )
    func busyServers() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let firstTime: [String: @Sendable () -> TestResponse] = [
            "/busy/seconds": { TestResponse(status: 429, text: "slow down", headers: [("Retry-After", "1")]) },
            "/busy/date": {
                TestResponse(status: 429, text: "slow down", headers: [("Retry-After", Self.httpDate(Date().addingTimeInterval(2)))])
            },
            "/busy/once": { TestResponse(status: 503, text: "back soon") }
        ]
        for (path, busy) in firstTime {
            let counter = RequestCounter()
            server.addRoute(path) { _ in
                counter.enter()
                counter.leave()
                return counter.total == 1 ? busy() : .html("<p>now</p>")
            }
        }
        server.addRoute("/busy/always") { _ in TestResponse(status: 503, text: "down", headers: [("Retry-After", "1")]) }
        let ordinary = (1...5).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(firstTime.keys.sorted() + ["/busy/always"] + ordinary) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing((firstTime.keys.sorted() + ordinary).map(server.url)) == [])
        for path in firstTime.keys {
            #expect(server.requests(under: path).count == 2, "\(path)")
        }
        let always = crawl.record(server.url("/busy/always"))
        #expect(always?.status == 503 && always?.error == nil)
        #expect(server.requests(under: "/busy/always").count == 3, "tried, then retried twice (the default)")
        #expect(crawl.stats.retries == 3 + 2)
        #expect(crawl.stats.statuses[503] == 1)
        #expect(crawl.stats.statuses[429] == nil)
    }

    // MARK: Broken connections

    @Test("Resets before the headers and mid-body, and a body shorter than declared, are connectionLost after bounded retries")
    func brokenConnections() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let broken = ["/reset-before-headers", "/reset-mid-body", "/short-body"]
        let ordinary = (1...5).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(broken + ordinary) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(ordinary.map(server.url)) == [])
        for path in broken {
            #expect(crawl.record(server.url(path))?.errorKind == "connectionLost", "\(path)")
            // Three tries (the first and two retries); libcurl may add one of
            // its own on a reused connection that died before the answer.
            let tries = server.requests(under: path).count
            #expect((3...6).contains(tries), "\(path): \(tries) requests")
        }
        #expect(crawl.stats.errorKinds["connectionLost"] == broken.count)
        #expect(crawl.stats.retries == 2 * broken.count)
    }

    // MARK: Binary bodies

    @Test("A PDF and a PNG behind .html links, random bytes labelled text/html, no Content-Type: no links from binary bodies")
    func binaryBodies() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let hiddenLink = Array("<html><body><a href=\"/never/binary\">x</a></body></html>".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + Array("IHDR".utf8) + hiddenLink
        let pdf = Array("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nstream\n".utf8) + hiddenLink + [0, 0xFF, 0xD8]
        // The same pseudo-random bytes in every run (a linear congruential generator).
        var state: UInt32 = 7
        let random = (0..<65_536).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        let bodies: [String: TestResponse] = [
            "/bin/document.html": TestResponse(headers: [("Content-Type", "application/pdf")], body: pdf),
            "/bin/image.html": TestResponse(headers: [("Content-Type", "image/png")], body: png),
            "/bin/random.html": TestResponse(headers: [("Content-Type", "text/html")], body: random),
            "/bin/untyped.html": TestResponse(body: png),
            "/bin/untyped-page.html": TestResponse(body: Array("<html><body><a href=\"/ok/untyped\">x</a></body></html>".utf8))
        ]
        for (path, response) in bodies {
            server.addRoute(path) { _ in response }
        }
        let ordinary = (1...3).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(bodies.keys.sorted() + ordinary) }

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")])
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(bodies.keys.map(server.url) + (ordinary + ["/ok/untyped"]).map(server.url)) == [])
        for path in ["/bin/document.html", "/bin/image.html", "/bin/random.html", "/bin/untyped.html"] {
            #expect(crawl.record(server.url(path))?.links == 0, "\(path)")
        }
        #expect(server.requests(under: "/never/").isEmpty)
        // Without a Content-Type, a body that starts like HTML is sniffed and parsed.
        #expect(crawl.record(server.url("/bin/untyped-page.html"))?.links == 1)
        #expect(crawl.stats.errors == 0)
    }

    // MARK: robots.txt

    @Test(
        "robots.txt answering 500 (tried again, then the host given up), 404, a redirect, 600 KiB, or an HTML page: each host is crawled as its robots.txt says"
    )
    func robotsFiles() async throws {
        let hub = try await TestServer.start()
        var hosts: [TestServer] = []
        for index in 2...6 {
            hosts.append(try await TestServer.start(host: "127.0.0.\(index)"))
        }
        let (failing, missing, redirecting, long, html) = (hosts[0], hosts[1], hosts[2], hosts[3], hosts[4])
        for host in hosts { host.addOrdinaryPages() }
        failing.addRoute("/robots.txt") { _ in TestResponse(status: 500, text: "robots are down") }
        redirecting.addRoute("/robots.txt") { _ in TestResponse(status: 301, text: "", headers: [("Location", "/rules/robots.txt")]) }
        redirecting.addRoute("/rules/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /ok/private\n") }
        // Rules in the first 500 KiB are obeyed; what comes after is not read.
        let padding = String(repeating: "# padding to push the next rule past 500 KiB\n", count: 600 * 1024 / 46)
        long.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /ok/early\n" + padding + "Disallow: /ok/late\n") }
        html.addRoute("/robots.txt") { _ in .html("<h1>Welcome!</h1><p>Disallow: /ok/public</p>") }
        let linked = hosts.flatMap { host in ["/ok/public", "/ok/private", "/ok/early", "/ok/late"].map(host.url) }
        hub.addRoute("/start") { _ in .links(linked) }
        var settings = CrawlSettings()
        settings.hosts = .any
        // Seeded on 127.0.0.1 only, the crawl may not reach 127.0.0.2-6 unless allowed.
        settings.addressPolicy = .any
        settings.robotsRetryBackoff = .milliseconds(200)

        let crawl = try await LoggedCrawl.run(seeds: [hub.url("/start")], settings: settings)
        try await hub.shutdown()
        for host in hosts { try await host.shutdown() }

        #expect(!crawl.overran)
        // 500: robots.txt tried three times (the default), then the host is given up; nothing else fetched from it.
        #expect(failing.recordedRequests.map(\.path) == ["/robots.txt", "/robots.txt", "/robots.txt"])
        #expect(crawl.stats.hostsGivenUp == 1)
        // 404: everything; a redirect: the target's rules; 600 KiB: the early rule only; HTML: no rules.
        let denied = [redirecting.url("/ok/private"), long.url("/ok/early")]
        let fetched = linked.filter { !$0.hasPrefix(failing.baseURL) && !denied.contains($0) }
        #expect(crawl.missing(fetched) == [])
        #expect(redirecting.requests(under: "/rules/robots.txt").count == 1)
        #expect(redirecting.requests(under: "/ok/private").isEmpty)
        #expect(long.requests(under: "/ok/early").isEmpty)
        #expect(crawl.stats.robotsDenied == denied.count)
        // The given-up host's 4 URLs: not crawled because its robots.txt failed, not denied by it.
        #expect(crawl.stats.robotsUnavailable == 4)
        #expect(
            crawl.stats.robotsFailures == [
                "robots.txt of \(failing.host):\(failing.port) could not be fetched: HTTP 500; its URLs were not crawled"
            ])
        #expect(missing.requests(under: "/ok/").count == 4)
    }

    // MARK: Unreachable and unusable URLs

    @Test("https to a plain-HTTP port, an unresolvable host, a closed port; an 8 KB path and a 100 KB query are never requested")
    func unreachable() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let closedPort = refusing.port
        let tls = "https://127.0.0.1:\(server.port)/ok/tls"
        let unresolvable = "http://no-such-host.invalid/ok/dns"
        let closed = "http://127.0.0.1:\(closedPort)/ok/closed"
        let longPath = "/ok/long-" + String(repeating: "p", count: 8 << 10)
        let longQuery = "/ok/query?q=" + String(repeating: "q", count: 100 << 10)
        let ordinary = (1...3).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links([tls, unresolvable, closed, longPath, longQuery] + ordinary) }
        var settings = CrawlSettings()
        settings.hosts = .any
        // robots.txt of an unreachable host would deny its pages before they are tried (see robotsUnreachable).
        settings.obeysRobots = false

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing(ordinary.map(server.url)) == [])
        #expect(crawl.record(tls)?.errorKind == "tls")
        #expect(crawl.record(unresolvable)?.errorKind == "dnsFailure")
        #expect(crawl.record(closed)?.errorKind == "connectionFailed")
        #expect(server.requests(under: "/ok/long-").isEmpty)
        #expect(server.requests(under: "/ok/query").isEmpty)
        #expect(crawl.record(server.url(longPath)) == nil)
        // Both are longer than the crawl's URL length limit (2,048): the
        // extractor drops them before resolving them, and counts them.
        #expect(crawl.stats.linksTooLong == 2)
        #expect(crawl.record(server.url("/start"))?.linksDropped == 2)
        #expect(crawl.stats.errors == 3)
    }

    @Test("With robots.txt obeyed, unreachable hosts' pages are denied, counted, and never tried")
    func robotsUnreachable() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let closedPort = refusing.port
        let unreachable = [
            "https://127.0.0.1:\(server.port)/ok/tls", "http://no-such-host.invalid/ok/dns", "http://127.0.0.1:\(closedPort)/ok/closed"
        ]
        server.addRoute("/start") { _ in .links(unreachable + ["/ok/1"]) }
        var settings = CrawlSettings()
        settings.hosts = .any

        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()

        #expect(!crawl.overran)
        #expect(crawl.missing([server.url("/ok/1")]) == [])
        // Counted apart from robots.txt denials, one robotsUnavailable error per host.
        #expect(crawl.stats.robotsUnavailable == unreachable.count)
        #expect(crawl.stats.robotsDenied == 0)
        #expect(crawl.stats.errorKinds["robotsUnavailable"] == unreachable.count)
        #expect(unreachable.allSatisfy { crawl.record($0) == nil })
    }

    // MARK: TLS

    @Test("A self-signed site is refused by default (tls) and crawled with certificate checks off")
    func selfSignedCertificate() async throws {
        guard NginxServer.binary != nil else {
            Issue.record("nginx is not installed (scripts/install-deps.sh installs it)")
            return
        }
        let nginx = try await NginxServer.start()
        defer { nginx.stop() }
        let pages = (0..<3).map { "https://127.0.0.1:\(nginx.tlsPort)/page-\($0).html" }
        var strict = CrawlSettings()
        strict.obeysRobots = false
        let refused = try await LoggedCrawl.run(seeds: pages, settings: strict)
        #expect(!refused.overran)
        #expect(pages.allSatisfy { refused.record($0)?.errorKind == "tls" })
        #expect(refused.stats.pages == 0)

        var insecure = CrawlSettings()
        insecure.verifiesTLSCertificates = false
        let crawled = try await LoggedCrawl.run(seeds: pages, settings: insecure)
        #expect(!crawled.overran)
        #expect(crawled.missing(pages) == [])
    }
}
