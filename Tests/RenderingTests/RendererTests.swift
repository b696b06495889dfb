import AsyncURL
import Foundation
import Logging
import Rendering
import Synchronization
import TestServer
import Testing

/// Rendering through headless Chromium against loopback servers: the page's
/// scripts run, and every request they make goes through the fetch core's guards.
@Suite(
    "Renderer", .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
        "no /usr/bin/chromium: scripts/install-deps.sh installs Debian's chromium package"))
struct RendererTests {
    static let userAgent = "AsyncURL-render-test/1.0"

    /// A fetch core that may connect to 127.0.0.1 only.
    static func client() throws -> FetchClient {
        var configuration = FetchClient.Configuration()
        configuration.userAgent = userAgent
        let allowed = try #require(IPAddress("127.0.0.1"))
        configuration.addressPolicy = .only { $0 == allowed }
        return try FetchClient(configuration: configuration)
    }

    static func html(_ body: String) -> TestResponse {
        TestResponse(
            headers: [("Content-Type", "text/html; charset=utf-8")],
            body: Array("<!doctype html><html><head></head><body>\(body)</body></html>".utf8))
    }

    static func script(_ source: String) -> TestResponse {
        TestResponse(headers: [("Content-Type", "application/javascript")], body: Array(source.utf8))
    }

    /// Fetches `path` with the client and renders it.
    static func render(_ path: String, on server: TestServer, with renderer: Renderer, client: FetchClient) async throws -> RenderedPage {
        let response = try await client.fetch(server.url(path))
        return try await renderer.render(url: response.finalURL, document: response)
    }

    @Test("A script's links are in the rendered document; the script came through the fetch core")
    func scriptBuiltLinks() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in Self.html(#"<p>static</p><script src="/app.js"></script>"#) }
        server.addRoute("/app.js") { _ in
            Self.script(#"document.body.insertAdjacentHTML('beforeend', '<a href="/from-script">built</a>');"#)
        }
        let client = try Self.client()
        let renderer = Renderer(client: client, userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        #expect(page.html.contains(#"<a href="/from-script">built</a>"#))
        #expect(page.waitCompleted)
        // The script, and the favicon headless Chromium asks for.
        #expect(Set(server.recordedRequests.map(\.path)).subtracting(["/page", "/favicon.ico"]) == ["/app.js"])
        #expect(page.requestsMade == server.recordedRequests.count - 1)
        let scriptRequests = server.recordedRequests.filter { $0.path == "/app.js" }
        #expect(scriptRequests.count == 1)
        #expect(scriptRequests.first?.header("User-Agent") == Self.userAgent)
        #expect(server.recordedRequests.filter { $0.path == "/page" }.count == 1, "the page itself is not fetched again by the browser")
    }

    @Test("Requests to an address the policy refuses never leave: fetch, image, iframe, WebSocket")
    func addressPolicyHolds() async throws {
        let server = try await TestServer.start()
        let forbidden = try await TestServer.start(host: "127.0.0.2")
        let target = forbidden.baseURL
        server.addRoute("/page") { _ in
            Self.html(
                """
                <img src="\(target)/pixel.png"><iframe src="\(target)/frame"></iframe>
                <script>
                fetch('\(target)/secret').catch(() => {});
                fetch('file:///etc/passwd').then(r => r.text()).then(() => { document.body.dataset.file = 'read'; })
                    .catch(() => { document.body.dataset.file = 'refused'; });
                try { new WebSocket('ws://127.0.0.2:\(forbidden.port)/socket'); } catch (e) {}
                </script>
                """)
        }
        let client = try Self.client()
        let log = CollectedLog()
        let renderer = Renderer(
            settings: RenderSettings(wait: .networkIdle(.milliseconds(500))), client: client, userAgent: Self.userAgent,
            logger: log.logger())
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        let lines = log.linesWithMetadata
        #expect(lines.contains { $0.contains("refused by the address policy") && $0.contains("127.0.0.2") }, "\(lines)")
        #expect(page.html.contains(#"data-file="refused""#), "a file: URL is never read")
        let reached = forbidden.recordedRequests.count + forbidden.acceptedConnections
        try await forbidden.shutdown()
        #expect(reached == 0)
        #expect(page.requestsBlocked >= 3)
    }

    @Test(
        "A cross-site iframe (its own process): its document, script and fetches go through the fetch core and its guards; one on a refused host is blocked"
    )
    func crossSiteFrames() async throws {
        let server = try await TestServer.start()
        let other = try await TestServer.start(host: "127.0.0.2")
        let refused = try await TestServer.start(host: "127.0.0.3")
        let counter = RequestCounter()
        server.addRoute("/page") { _ in
            Self.html(#"<iframe src="\#(other.url("/frame"))"></iframe><iframe src="\#(refused.url("/frame"))"></iframe>"#)
        }
        other.addRoute("/script.js") { _ in
            Self.script(
                "for (let i = 0; i < 3; i++) { fetch('/data/' + i).then(r => r.text()).then(t => { document.body.dataset['got' + i] = t; }); }"
            )
        }
        other.addRoute("/frame") { _ in Self.html(#"<p>frame</p><script src="/script.js"></script>"#) }
        other.addRoute("/data/") { _ in
            counter.enter()
            try? await Task.sleep(for: .milliseconds(100))
            counter.leave()
            return TestResponse(text: "ok")
        }
        var configuration = FetchClient.Configuration()
        configuration.userAgent = Self.userAgent
        let allowed = try [#require(IPAddress("127.0.0.1")), #require(IPAddress("127.0.0.2"))]
        configuration.addressPolicy = .only { allowed.contains($0) }
        let client = try FetchClient(configuration: configuration)
        let log = CollectedLog()
        // One request at a time per host: the iframe's three fetches wait for each other.
        let renderer = Renderer(
            settings: RenderSettings(wait: .networkIdle(.milliseconds(500)), subresourcesPerHost: 1), client: client,
            userAgent: Self.userAgent, logger: log.logger())
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        let paths = other.recordedRequests.map(\.path)
        try await other.shutdown()
        let reachedRefused = refused.recordedRequests.count + refused.acceptedConnections
        try await refused.shutdown()
        #expect(paths.contains("/frame") && paths.contains("/script.js"), "\(paths)")
        #expect(paths.filter { $0.hasPrefix("/data/") }.count == 3, "\(paths)")
        #expect(other.recordedRequests.allSatisfy { $0.header("User-Agent") == Self.userAgent })
        #expect(counter.maximum == 1)
        #expect(reachedRefused == 0)
        let lines = log.linesWithMetadata
        #expect(lines.contains { $0.contains("refused by the address policy") && $0.contains("127.0.0.3") }, "\(lines)")
        #expect(page.requestsMade >= 5)
    }

    @Test("Blocked resource types and the per-page request cap: the server never sees the refused requests")
    func blockedTypesAndCap() async throws {
        let server = try await TestServer.start()
        let images = (1...5).map { #"<img src="/image-\#($0).png">"# }.joined()
        let scripts = (1...8).map { #"<script src="/script-\#($0).js"></script>"# }.joined()
        server.addRoute("/page") { _ in Self.html(images + scripts) }
        server.addRoute("/script-") { _ in Self.script("window.loaded = (window.loaded || 0) + 1;") }
        let client = try Self.client()
        let settings = RenderSettings(wait: .networkIdle(.milliseconds(300)), maxRequestsPerPage: 3, blockedResourceTypes: ["image"])
        let renderer = Renderer(settings: settings, client: client, userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        let paths = server.recordedRequests.map(\.path)
        #expect(!paths.contains { $0.hasPrefix("/image-") })
        #expect(paths.filter { $0.hasPrefix("/script-") }.count == 3)
        #expect(page.requestsMade == 3)
        // The 5 images and the 5 scripts past the cap (and the favicon, past it too).
        #expect(page.requestsBlocked >= 5 + 5)
    }

    @Test("A page that starts 10,000 requests: at most the per-page cap reach the server")
    func tenThousandRequests() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in Self.html("<script>for (let i = 0; i < 10000; i++) { fetch('/r/' + i).catch(() => {}); }</script>")
        }
        server.addRoute("/r/") { _ in TestResponse(text: "r") }
        let client = try Self.client()
        let renderer = Renderer(
            settings: RenderSettings(wait: .networkIdle(.milliseconds(500)), pageTimeLimit: .seconds(60)), client: client,
            userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        let reached = server.recordedRequests.filter { $0.path.hasPrefix("/r/") }.count
        #expect(reached <= RenderSettings().maxRequestsPerPage)
        #expect(page.requestsMade <= RenderSettings().maxRequestsPerPage)
        #expect(page.requestsMade + page.requestsBlocked > RenderSettings().maxRequestsPerPage, "the cap was reached")
    }

    @Test("A page that never finishes loading: read at the time limit, marked incomplete")
    func neverLoads() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in Self.html(#"<p>visible</p><img src="/hang.png">"#) }
        server.addRoute("/hang.png") { _ in
            try? await Task.sleep(for: .seconds(8))
            return TestResponse(status: 404)
        }
        let client = try Self.client()
        let renderer = Renderer(settings: RenderSettings(pageTimeLimit: .seconds(3)), client: client, userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        #expect(!page.waitCompleted)
        #expect(page.html.contains("<p>visible</p>"))
    }

    @Test("A navigation a script tries is reported, not followed")
    func navigationsReported() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in Self.html("<script>setTimeout(() => { location.href = '/elsewhere?x=1'; }, 10);</script>") }
        let client = try Self.client()
        let renderer = Renderer(settings: RenderSettings(wait: .networkIdle(.milliseconds(500))), client: client, userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        #expect(page.navigations == [server.url("/elsewhere?x=1")])
        #expect(!server.recordedRequests.contains { $0.path == "/elsewhere" })
    }

    @Test("A selector that never appears: the page is read when the time limit is near, marked incomplete")
    func timeLimit() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in Self.html("<p>no such element</p><script>alert('dialogs are dismissed');</script>") }
        let client = try Self.client()
        let settings = RenderSettings(wait: .selector("#never"), pageTimeLimit: .seconds(3))
        let renderer = Renderer(settings: settings, client: client, userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        let counters = await renderer.counters
        await renderer.shutdown()
        try await server.shutdown()
        #expect(!page.waitCompleted)
        #expect(page.html.contains("no such element"))
        #expect(counters.waitsCutShort == 1)
    }

    @Test("A browser killed in the middle of a page is restarted and the page rendered again")
    func browserCrash() async throws {
        let server = try await TestServer.start()
        let hits = LockedCounter()
        let tempDirectory = try Self.temporaryDirectory()
        server.addRoute("/page") { _ in Self.html(#"<script src="/slow.js"></script>"#) }
        server.addRoute("/slow.js") { _ in
            if hits.increment() == 1 {
                // The first time, the browser is killed while it waits for this script.
                Self.killBrowsers(profilesUnder: tempDirectory)
                try? await Task.sleep(for: .milliseconds(500))
            }
            return Self.script("document.body.insertAdjacentHTML('beforeend', '<b id=done>done</b>');")
        }
        let client = try Self.client()
        let settings = RenderSettings(wait: .selector("#done"), pageTimeLimit: .seconds(20), temporaryDirectory: tempDirectory)
        let renderer = Renderer(settings: settings, client: client, userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        let counters = await renderer.counters
        await renderer.shutdown()
        try await server.shutdown()
        #expect(page.html.contains("<b id=\"done\">done</b>"))
        #expect(counters.retries == 1)
        #expect(counters.browserRestarts == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tempDirectory).isEmpty, "profiles removed")
        try FileManager.default.removeItem(atPath: tempDirectory)
    }

    @Test("Past the memory limit the browser is replaced after its page; profiles are removed at shutdown")
    func memoryLimit() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in Self.html("<p>page</p>") }
        let tempDirectory = try Self.temporaryDirectory()
        let client = try Self.client()
        // Measured in the background as pages finish; a page sees the last measurement.
        let settings = RenderSettings(maxBrowserMemory: 1, memoryCheckInterval: .zero, temporaryDirectory: tempDirectory)
        let renderer = Renderer(settings: settings, client: client, userAgent: Self.userAgent)
        var rendered = 0
        while rendered < 30, await renderer.counters.memoryRestarts < 2 {
            let page = try await Self.render("/page", on: server, with: renderer, client: client)
            #expect(page.html.contains("<p>page</p>"))
            rendered += 1
        }
        let counters = await renderer.counters
        await renderer.shutdown()
        try await server.shutdown()
        #expect(counters.memoryRestarts == 2, "\(rendered) pages")
        #expect(counters.browserRestarts >= 1)
        #expect(counters.peakBrowserMemory > 1)
        #expect(counters.pages == rendered)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tempDirectory).isEmpty)
        try FileManager.default.removeItem(atPath: tempDirectory)
    }

    @Test("A page that registers a service worker gets none: navigator.serviceWorker is absent and the worker never fetched")
    func noServiceWorkers() async throws {
        let server = try await TestServer.start()
        // 127.0.0.1 is a secure context, where browsers offer navigator.serviceWorker.
        server.addRoute("/page") { _ in
            Self.html(
                """
                <p id=sw>waiting</p>
                <script>
                const out = document.getElementById('sw');
                const done = (text) => { out.textContent = text; out.dataset.done = '1'; };
                if (!('serviceWorker' in navigator)) { done('absent'); }
                else { navigator.serviceWorker.register('/sw.js').then(() => done('registered'), (e) => done('failed ' + e)); }
                </script>
                """)
        }
        server.addRoute("/sw.js") { _ in Self.script("self.addEventListener('fetch', () => {});") }
        let client = try Self.client()
        let renderer = Renderer(
            settings: RenderSettings(wait: .selector("#sw[data-done]"), pageTimeLimit: .seconds(10)), client: client,
            userAgent: Self.userAgent)
        let page = try await Self.render("/page", on: server, with: renderer, client: client)
        // A second page in the same (reused) tab: still none.
        let again = try await Self.render("/page", on: server, with: renderer, client: client)
        await renderer.shutdown()
        try await server.shutdown()
        #expect(page.html.contains(">absent</p>"), "\(page.html)")
        #expect(again.html.contains(">absent</p>"))
        #expect(!server.recordedRequests.contains { $0.path == "/sw.js" })
    }

    @Test("A document past the size limit is refused; the renderer goes on with the next page")
    func documentTooLarge() async throws {
        let server = try await TestServer.start()
        server.addRoute("/big") { _ in Self.html("<script>document.body.append('x'.repeat(200000));</script>") }
        server.addRoute("/small") { _ in Self.html("<p>small</p>") }
        let client = try Self.client()
        let renderer = Renderer(settings: RenderSettings(maxDocumentBytes: 100_000), client: client, userAgent: Self.userAgent)
        await #expect(throws: RenderError.self) { try await Self.render("/big", on: server, with: renderer, client: client) }
        let page = try await Self.render("/small", on: server, with: renderer, client: client)
        let counters = await renderer.counters
        await renderer.shutdown()
        try await server.shutdown()
        #expect(page.html.contains("<p>small</p>"))
        #expect(counters.failures == ["documentTooLarge": 1])
        #expect(counters.browserRestarts == 0)
    }

    @Test("A missing browser binary is a clear error")
    func missingBrowser() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in Self.html("<p>page</p>") }
        let client = try Self.client()
        let renderer = Renderer(
            settings: RenderSettings(browserExecutable: "/nonexistent/chromium"), client: client, userAgent: Self.userAgent)
        do {
            _ = try await Self.render("/page", on: server, with: renderer, client: client)
            Issue.record("rendered without a browser")
        } catch let error as RenderError {
            #expect(error.kind == .browserUnavailable)
            #expect(error.detail.contains("/nonexistent/chromium"))
        }
        await renderer.shutdown()
        try await server.shutdown()
    }

    @Test(
        "Wait strategies parse from their command-line form",
        arguments: [
            ("load", RenderWait.load), ("idle", .networkIdle(.milliseconds(500))), ("idle:250", .networkIdle(.milliseconds(250))),
            ("selector:#app a", .selector("#app a"))
        ])
    func waitParsing(text: String, expected: RenderWait) {
        #expect(RenderWait(parsing: text) == expected)
        #expect(RenderWait(parsing: expected.description) == expected)
    }

    @Test("Bad wait strategies are refused", arguments: ["", "idle:", "idle:-1", "idle:99999999", "selector:", "network"])
    func badWait(text: String) {
        #expect(RenderWait(parsing: text) == nil)
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "asyncurl-render-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Kills (SIGKILL) every browser whose profile is under `directory`: its
    /// process group, found by the profile switch on its command line.
    static func killBrowsers(profilesUnder directory: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                String(decoding: commandLine, as: UTF8.self).contains("--user-data-dir=\(directory)/"),
                String(decoding: commandLine, as: UTF8.self).contains("--remote-debugging-pipe")
            else { continue }
            kill(pid, SIGKILL)
        }
    }
}

/// A counter shared with a server route.
final class LockedCounter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
