import Archiving
import Crawling
import Foundation
import Rendering
import TestServer
import Testing

/// A crawl that renders JavaScript pages through headless Chromium: the links
/// and items come from the document the scripts built, navigations the
/// scripts try go through the frontier (robots.txt decides), and nothing is
/// rendered unless asked.
@Suite(
    "Crawling rendered pages", .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
        "no /usr/bin/chromium: scripts/install-deps.sh installs Debian's chromium package"))
struct RenderingCrawlTests {
    static func html(_ body: String) -> TestResponse {
        TestResponse(
            headers: [("Content-Type", "text/html; charset=utf-8")],
            body: Array("<!doctype html><html><head><title>t</title></head><body>\(body)</body></html>".utf8))
    }

    /// A site whose start page builds its links in a script; one of them is
    /// disallowed by robots.txt, and the script also tries to navigate.
    static func scriptedSite() async throws -> TestServer {
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /private\n") }
        server.addRoute("/start") { _ in
            html(
                """
                <p id="static">static</p>
                <script src="/app.js"></script>
                """)
        }
        server.addRoute("/app.js") { _ in
            TestResponse(
                headers: [("Content-Type", "application/javascript")],
                body: Array(
                    """
                    document.body.insertAdjacentHTML('beforeend', '<a href="/built/1">one</a><a href="/built/2">two</a><a href="/private/x">private</a>');
                    setTimeout(() => { location.href = '/navigated'; }, 50);
                    """.utf8))
        }
        for path in ["/built/1", "/built/2", "/navigated", "/private/x"] {
            server.addRoute(path) { _ in html("<p>\(path)</p>") }
        }
        return server
    }

    static func settings(rendering: CrawlRendering?) -> CrawlSettings {
        var settings = CrawlSettings()
        settings.rendering = rendering
        settings.concurrency = 4
        return settings
    }

    @Test("--render: links built by a script are crawled, the tried navigation too, robots.txt still refuses /private")
    func rendersAndFollows() async throws {
        let server = try await Self.scriptedSite()
        let rendering = CrawlRendering(settings: RenderSettings(tabs: 2, wait: .networkIdle(.milliseconds(300))), rendersAll: true)
        let crawl = try await LoggedCrawl.run(
            seeds: [server.url("/start")], settings: Self.settings(rendering: rendering), limit: .seconds(120))
        try await server.shutdown()
        #expect(!crawl.overran)
        #expect(crawl.missing([server.url("/built/1"), server.url("/built/2"), server.url("/navigated")]).isEmpty)
        #expect(crawl.record(server.url("/private/x")) == nil, "robots.txt refuses it")
        #expect(!server.recordedRequests.contains { $0.path.hasPrefix("/private") })
        #expect(crawl.stats.renderedPages >= 4)
        #expect(crawl.stats.robotsDenied >= 1)
        // The browser fetched the start page's script through the fetch core, and not the start page again.
        #expect(server.recordedRequests.filter { $0.path == "/start" }.count == 1)
        #expect(server.recordedRequests.contains { $0.path == "/app.js" })
    }

    @Test("Without rendering the script's links are not seen; with a pattern only matching pages are rendered")
    func patternChoosesPages() async throws {
        let server = try await Self.scriptedSite()
        let plain = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: Self.settings(rendering: nil))
        #expect(plain.records.map(\.url) == [server.url("/start")])
        #expect(plain.stats.renderedPages == 0)
        let rendering = CrawlRendering(settings: RenderSettings(tabs: 1), patterns: ["/start$"])
        let patterned = try await LoggedCrawl.run(
            seeds: [server.url("/start")], settings: Self.settings(rendering: rendering), limit: .seconds(120))
        try await server.shutdown()
        #expect(patterned.missing([server.url("/built/1"), server.url("/built/2")]).isEmpty)
        #expect(patterned.stats.renderedPages == 1, "only /start matches")
    }

    @Test("A spider's XPath sees the rendered document and the original status")
    func spiderSeesRenderedDocument() async throws {
        let server = try await TestServer.start()
        server.addRoute("/app") { _ in
            Self.html(
                "<div id=app></div><script>document.getElementById('app').innerHTML = '<h1 class=title>Built by script</h1>';</script>")
        }
        let spider = TitleSpider(start: server.url("/app"))
        let rendering = CrawlRendering(settings: RenderSettings(tabs: 1), rendersAll: true)
        let crawler = Crawler(spider: spider, settings: Self.settings(rendering: rendering))
        let stats = try await crawler.run()
        try await server.shutdown()
        #expect(spider.seen.value == ["200 rendered Built by script"])
        #expect(stats.renderedPages == 1)
    }

    @Test("A page that never finishes loading is read at the time limit; the crawl goes on; the page log says rendered")
    func hangingPage() async throws {
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in Self.html(#"<a href="/hang">hang</a><a href="/ok">ok</a>"#) }
        server.addRoute("/hang") { _ in Self.html(#"<a href="/after-hang">next</a><img src="/slow.png">"#) }
        server.addRoute("/slow.png") { _ in
            try? await Task.sleep(for: .seconds(8))
            return TestResponse(status: 404)
        }
        for path in ["/ok", "/after-hang"] { server.addRoute(path) { _ in Self.html("<p>\(path)</p>") } }
        let rendering = CrawlRendering(settings: RenderSettings(tabs: 2, pageTimeLimit: .seconds(3)), rendersAll: true)
        let crawl = try await LoggedCrawl.run(
            seeds: [server.url("/start")], settings: Self.settings(rendering: rendering), limit: .seconds(120))
        try await server.shutdown()
        #expect(crawl.missing([server.url("/ok"), server.url("/after-hang")]).isEmpty, "\(crawl.records)")
        // At least the hanging page (under load another page may also reach its 3 s limit).
        #expect(crawl.stats.renderWaitsCutShort >= 1, "\(crawl.records) \(server.recordedRequests.map(\.path))")
        #expect(crawl.record(server.url("/hang"))?.rendered == true)
    }

    @Test("Screenshots are written as PNG; with a WARC archive the page's own requests are archived too")
    func screenshotsAndArchive() async throws {
        let server = try await Self.scriptedSite()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-render-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/shots", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = Self.settings(
            rendering: CrawlRendering(settings: RenderSettings(tabs: 1, screenshotDirectory: directory + "/shots"), patterns: ["/start$"]))
        settings.warc = WARCSettings(path: directory + "/crawl.warc")
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings, limit: .seconds(120))
        try await server.shutdown()
        #expect(crawl.stats.renderedPages == 1)
        let shots = try FileManager.default.contentsOfDirectory(atPath: directory + "/shots")
        #expect(shots.count == 1)
        let png = try #require(FileManager.default.contents(atPath: directory + "/shots/" + (shots.first ?? "")))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Archives are numbered (crawl-00000.warc, ...).
        let archives = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".warc") }
        let warc = try archives.map {
            String(decoding: try #require(FileManager.default.contents(atPath: directory + "/" + $0)), as: UTF8.self)
        }
        .joined()
        #expect(warc.contains("WARC-Target-URI: \(server.url("/app.js"))"), "the script the browser loaded is archived")
        #expect(warc.contains("WARC-Target-URI: \(server.url("/start"))"))
    }

    @Test("A rendered page's requests to its host keep the crawl's per-host concurrency")
    func subrequestPoliteness() async throws {
        let server = try await TestServer.start()
        let counter = RequestCounter()
        let scripts = (1...6).map { #"<script src="/slow-\#($0).js"></script>"# }.joined()
        server.addRoute("/start") { _ in Self.html(scripts) }
        server.addRoute("/slow-") { _ in
            counter.enter()
            try? await Task.sleep(for: .milliseconds(200))
            counter.leave()
            return TestResponse(headers: [("Content-Type", "application/javascript")], body: Array("window.n = (window.n || 0) + 1;".utf8))
        }
        var settings = Self.settings(
            rendering: CrawlRendering(settings: RenderSettings(tabs: 1, wait: .networkIdle(.milliseconds(300))), rendersAll: true))
        settings.perHostConcurrency = 1
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings, limit: .seconds(120))
        try await server.shutdown()
        #expect(crawl.stats.renderedPages == 1)
        #expect(server.recordedRequests.filter { $0.path.hasPrefix("/slow-") }.count == 6)
        #expect(counter.maximum == 1)
    }

    /// A site of three rendered pages on `server`, each loading a script from
    /// its own host and an image from `other`; every request takes 100 ms and
    /// is counted in `counter` while it lasts.
    static func politeSite(_ server: TestServer, other: TestServer, counter: RequestCounter) {
        server.addRoute("/") { request in
            counter.enter()
            try? await Task.sleep(for: .milliseconds(100))
            counter.leave()
            if request.path.hasSuffix(".js") {
                return TestResponse(headers: [("Content-Type", "application/javascript")], body: Array("window.n = 1;".utf8))
            }
            if request.path.hasSuffix(".png") || request.path == "/favicon.ico" || request.path == "/robots.txt" {
                return TestResponse(status: 404)
            }
            let links = (1...2).map { #"<a href="/page-\#($0)">\#($0)</a>"# }.joined()
            return Self.html(
                #"<script src="/app.js?\#(request.path.count)"></script><img src="\#(other.url("/image.png"))">"# + links)
        }
    }

    /// Two polite sites (see ``politeSite(_:other:counter:)``) on 127.0.0.1 and
    /// 127.0.0.2, each other's `other`, with their counters; and settings that
    /// render every page with `tabs`, any host, per-host 1 and `delay`.
    static func politeSites(tabs: Int, delay: Duration) async throws -> (
        first: TestServer, second: TestServer, counters: (RequestCounter, RequestCounter), settings: CrawlSettings
    ) {
        let first = try await TestServer.start()
        let second = try await TestServer.start(host: "127.0.0.2")
        let (firstCount, secondCount) = (RequestCounter(), RequestCounter())
        Self.politeSite(first, other: second, counter: firstCount)
        Self.politeSite(second, other: first, counter: secondCount)
        var settings = Self.settings(rendering: CrawlRendering(settings: RenderSettings(tabs: tabs), rendersAll: true))
        settings.hosts = .any
        settings.perHostConcurrency = 1
        settings.delay = delay
        return (first, second, (firstCount, secondCount), settings)
    }

    @Test("Per-host 1 and a delay hold over a crawl's page fetches and its rendered pages' requests together, across two hosts")
    func oneAccountingPerHost() async throws {
        let (first, second, (firstCount, secondCount), settings) = try await Self.politeSites(tabs: 2, delay: .milliseconds(250))
        let crawl = try await LoggedCrawl.run(
            seeds: [first.url("/"), second.url("/")], settings: settings, limit: .seconds(150))
        try await first.shutdown()
        try await second.shutdown()
        #expect(!crawl.overran)
        #expect(crawl.stats.renderedPages == 6)
        for (server, counter) in [(first, firstCount), (second, secondCount)] {
            let requests = server.recordedRequests
            #expect(requests.contains { $0.path.hasPrefix("/app.js") } && requests.contains { $0.path == "/image.png" })
            #expect(counter.maximum == 1, "\(server.host): \(requests.map(\.path))")
            // A lower bound only: the delay runs from the end of one request
            // (answered after its 100 ms) to the start of the next; a loaded
            // machine makes the gaps longer, never shorter (see arrivalGap).
            let ordered = requests.sorted { $0.arrival < $1.arrival }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                #expect(later.arrivalGap(after: earlier) >= .milliseconds(250), "\(server.host): \(earlier.path) then \(later.path)")
            }
        }
    }

    @Test("A host's robots.txt Crawl-delay spaces a rendered page's own requests to it, as it spaces the crawl's page fetches")
    func subrequestsKeepCrawlDelay() async throws {
        let server = try await TestServer.start()
        let scripts = (1...3).map { #"<script src="/s-\#($0).js"></script>"# }.joined()
        server.addRoute("/robots.txt") { _ in TestResponse(body: Array("User-agent: *\nCrawl-delay: 1\n".utf8)) }
        server.addRoute("/start") { _ in Self.html(scripts) }
        server.addRoute("/s-") { _ in
            TestResponse(headers: [("Content-Type", "application/javascript")], body: Array("window.n = (window.n || 0) + 1;".utf8))
        }
        var settings = Self.settings(
            rendering: CrawlRendering(settings: RenderSettings(tabs: 1, wait: .networkIdle(.milliseconds(300))), rendersAll: true))
        // One at a time: no request goes alongside another that a loaded machine made slower than the delay.
        settings.perHostConcurrency = 1
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings, limit: .seconds(120))
        try await server.shutdown()
        #expect(!crawl.overran)
        #expect(crawl.stats.renderedPages == 1)
        let requests = server.recordedRequests.filter { $0.path != "/robots.txt" }
        #expect(requests.filter { $0.path.hasPrefix("/s-") }.count == 3)
        // A lower bound only: a request starts a second after the previous one
        // to the host ended, so a second passes between the server's answer
        // and the next arrival however loaded the machine (see arrivalGap).
        // Without the Crawl-delay the scripts follow the page within milliseconds.
        let ordered = requests.sorted { $0.arrival < $1.arrival }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            #expect(later.arrivalGap(after: earlier) >= .seconds(1), "\(earlier.path) then \(later.path)")
        }
    }

    @Test("fetch --render prints the links, XPath results and body of the rendered document; without it the script's links are not seen")
    func fetchCommandRenders() async throws {
        let server = try await Self.scriptedSite()
        let page = server.url("/start")
        let links = try await CrawlCommandProcess.run(["fetch", page, "--render", "--links"], limit: .seconds(90))
        let xpath = try await CrawlCommandProcess.run(
            ["fetch", page, "--render", "--render-wait", "idle:200", "--xpath", "count(//a)"], limit: .seconds(90))
        let body = try await CrawlCommandProcess.run(["fetch", page, "--render", "--render-timeout", "10"], limit: .seconds(90))
        let plain = try await CrawlCommandProcess.run(["fetch", page, "--links"])
        let badWait = try await CrawlCommandProcess.run(["fetch", page, "--render", "--render-wait", "never"])
        try await server.shutdown()
        #expect(links.exit == 0, "\(links.text)")
        #expect(links.text.hasPrefix("HTTP/1.1 200 \(page)\n"), "\(links.text)")
        #expect(links.text.contains("Content-Type: text/html; charset=utf-8\n"), "\(links.text)")
        #expect(links.text.contains("\n\n\(server.url("/built/1"))\tone\n\(server.url("/built/2"))\ttwo\n"), "\(links.text)")
        #expect(xpath.exit == 0 && xpath.text.hasSuffix("\n\n3\n"), "\(xpath.text)")
        #expect(body.exit == 0 && body.text.contains(#"<a href="/built/1">one</a>"#), "\(body.text)")
        #expect(plain.exit == 0 && !plain.text.contains("/built/1"), "\(plain.text)")
        #expect(badWait.exit == 64 && badWait.text.contains("--render-wait"), "\(badWait.text)")
        // The page came from the crawler's fetch each time; the browser fetched only its script.
        #expect(server.recordedRequests.filter { $0.path == "/start" }.count == 4, "--render-wait never is refused before any fetch")
    }

    @Test("A browser that cannot start: the page is used as fetched, the failure counted, the crawl goes on")
    func browserUnavailable() async throws {
        let server = try await Self.scriptedSite()
        let rendering = CrawlRendering(settings: RenderSettings(browserExecutable: "/nonexistent/chromium"), rendersAll: true)
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: Self.settings(rendering: rendering))
        try await server.shutdown()
        #expect(crawl.record(server.url("/start"))?.status == 200)
        #expect(crawl.stats.renderFailures["browserUnavailable"] == 1)
        #expect(crawl.stats.renderedPages == 0)
    }
}

/// Records, for each page, its status, whether it was rendered and its title.
final class TitleSpider: Spider, @unchecked Sendable {
    let start: String
    let seen = SpiderState<[String]>([])
    init(start: String) { self.start = start }
    override var startURLs: [String] { [start] }
    override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
        let title = try response.xpath("//h1[@class='title']/text()").first ?? "-"
        seen.withLock { $0.append("\(response.status) \(response.rendering == nil ? "fetched" : "rendered") \(title)") }
    }
}
