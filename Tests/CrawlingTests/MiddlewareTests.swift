import AsyncURL
import Crawling
import Foundation
import TestServer
import Testing

/// Middleware hooks and the crawl's cookie jar, at a real loopback server.
@Suite("Middleware and cookies in a crawl")
struct MiddlewareTests {
    /// `/` sets a cookie and links to every other page; `/flaky` answers
    /// "busy" on its first request, then a page.
    private static func site(_ server: TestServer) {
        let flakyCount = RequestCounter()
        @Sendable func html(_ body: String) -> [UInt8] { Array("<html><body>\(body)</body></html>".utf8) }
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/flaky") { _ in
            flakyCount.enter()
            let body = flakyCount.total == 1 ? "busy, try again" : "fine"
            return TestResponse(headers: [("Content-Type", "text/html")], body: html(body))
        }
        server.addRoute("/page/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: html("page")) }
        server.addRoute("/") { request in
            guard request.path == "/" else { return TestResponse(status: 404, text: "not found") }
            let links = ["/page/1", "/page/2", "/page/skip-me", "/page/drop-me", "/flaky"].map { "<a href=\"\($0)\">x</a>" }.joined()
            return TestResponse(headers: [("Content-Type", "text/html"), ("Set-Cookie", "visitor=42; Path=/")], body: html(links))
        }
    }

    /// Adds a header, skips URLs containing "skip-me", drops pages whose URL
    /// has "drop-me", and retries pages that say "try again".
    private struct SiteRules: CrawlMiddleware {
        func willSend(_ request: inout Request, for crawlRequest: CrawlRequest) async -> RequestDecision {
            if request.url.contains("skip-me") { return .skip(reason: "not wanted") }
            request.headers.add(name: "X-Crawl-Token", value: "secret")
            return .send
        }

        func didReceive(_ response: Response, for request: Request) async -> ResponseDecision {
            if response.finalURL.contains("drop-me") { return .drop(reason: "not interesting") }
            if String(decoding: response.body, as: UTF8.self).contains("try again") { return .retry(after: .milliseconds(10)) }
            return .accept(response)
        }
    }

    private func crawl(_ server: TestServer, middlewares: [any CrawlMiddleware], cookies: Bool = true) async throws -> (
        CrawlStats, [PageRecord]
    ) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-mw-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try FeedExporter(path: path, format: .jsonLines)
        var settings = CrawlSettings()
        settings.keepsCookies = cookies
        let stats = try await Crawler(
            spider: FollowAllSpider(seeds: [server.url("/")]), settings: settings, pageLog: log, middlewares: middlewares
        ).run()
        log.close()
        let records = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(PageRecord.self, from: Data($0.utf8)) }
        return (stats, records)
    }

    @Test("Requests carry the middleware's header; skipped ones never reach the server; dropped and retried ones are logged")
    func hooks() async throws {
        let server = try await TestServer.start()
        Self.site(server)
        let (stats, records) = try await crawl(server, middlewares: [SiteRules()])
        try await server.shutdown()
        let pages = server.recordedRequests.filter { $0.path != "/robots.txt" }
        #expect(!pages.contains { $0.path.contains("skip-me") })
        #expect(
            pages.allSatisfy { request in request.headers.contains { $0.name.lowercased() == "x-crawl-token" && $0.value == "secret" } })
        #expect(pages.filter { $0.path == "/flaky" }.count == 2, "retried once")
        #expect(stats.skippedRequests == 1)
        #expect(stats.droppedResponses == 1)
        #expect(stats.retries == 1)
        let byPath = Dictionary(records.map { (URL(string: $0.url)?.path ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byPath["/page/skip-me"]?.error == "skipped: not wanted")
        #expect(byPath["/page/drop-me"]?.error == "dropped: not interesting")
        #expect(byPath["/flaky"]?.status == 200 && byPath["/flaky"]?.error == nil)
        #expect(records.count == 6)
    }

    @Test("The crawl keeps cookies by default (sent to the pages after the one that set it), and not when turned off")
    func cookies() async throws {
        for keeps in [true, false] {
            let server = try await TestServer.start()
            Self.site(server)
            _ = try await crawl(server, middlewares: [], cookies: keeps)
            try await server.shutdown()
            let later = server.recordedRequests.filter { $0.path.hasPrefix("/page/") }
            #expect(later.count == 4)
            let withCookie = later.filter { request in
                request.headers.contains { $0.name.lowercased() == "cookie" && $0.value == "visitor=42" }
            }
            #expect(withCookie.count == (keeps ? 4 : 0))
        }
    }
}
