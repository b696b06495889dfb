import CrawlFrontier
import Crawling
import DistributedFrontier
import Foundation
import Rendering
import TestServer
import Testing

/// AutoThrottle over a rendering crawl: the rendered pages' subrequests feed
/// their host's estimate, and the delay it sets spaces them, in one process
/// and through Redis.
@Suite(
    "AutoThrottle for rendered pages' requests", .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
        "no /usr/bin/chromium: scripts/install-deps.sh installs Debian's chromium package"))
struct RenderingThrottleTests {
    /// `/start` links to `/next`; each loads scripts (`/start` one, `/next`
    /// three). Pages answer at once, every other request after two seconds.
    static func slowScriptSite() async throws -> TestServer {
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404) }
        server.addRoute("/") { request in
            if request.path == "/start" || request.path == "/next" {
                let scripts = (request.path == "/start" ? 1...1 : 1...3).map { #"<script src="\#(request.path)-\#($0).js"></script>"# }
                return RenderingCrawlTests.html(scripts.joined() + #"<a href="/next">next</a>"#)
            }
            try? await Task.sleep(for: .seconds(2))
            return TestResponse(headers: [("Content-Type", "application/javascript")], body: Array("window.n = 1;".utf8))
        }
        return server
    }

    @Test(
        "Subrequests' latencies set the host's AutoThrottle delay, which spaces the next page's subrequests",
        arguments: ["in memory", "redis"])
    func subrequestsFeedAutoThrottle(frontier: String) async throws {
        let redis = try RedisTestServer.start(forFrontier: frontier)
        defer { redis?.stop() }
        let server = try await Self.slowScriptSite()
        var settings = RenderingCrawlTests.settings(
            rendering: CrawlRendering(settings: RenderSettings(tabs: 1, wait: .networkIdle(.milliseconds(200))), rendersAll: true))
        settings.perHostConcurrency = 4
        settings.autoThrottle = AutoThrottle(targetConcurrency: 1, startDelay: .zero, maximumDelay: .seconds(5))
        if let redis { settings.frontier = .redis(try redis.frontierURL(name: "throttled")) }
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings, limit: .seconds(120))
        try await server.shutdown()
        #expect(!crawl.overran)
        #expect(crawl.stats.renderedPages == 2)
        let scripts = server.recordedRequests.filter { $0.path.hasPrefix("/next-") }.sorted { $0.arrival < $1.arrival }
        #expect(scripts.count == 3)
        // The first page's script (2 s) set the delay to 2 s; the second page's
        // fetch (a few ms) halved it at most: the second page's three scripts,
        // which the host's 4 slots would let start at once, start at least 1 s
        // apart. The server stamps an arrival when its handler reads the
        // request, which a loaded machine can delay for the first of two and
        // not the second: 400 ms leaves 600 ms for that (without AutoThrottle
        // the three arrive within milliseconds).
        for (earlier, later) in zip(scripts, scripts.dropFirst()) {
            #expect(later.arrival - earlier.arrival >= .milliseconds(400), "\(frontier): \(earlier.path) then \(later.path)")
        }
    }
}
