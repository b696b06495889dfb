import AsyncURL
import AsyncURLSupport
import Foundation
import TestServer
import Testing

@testable import Crawling

/// Bodies no one reads are not held in memory: with a spider that reads no
/// body that is not HTML (`asyncurl-crawl`'s), such a body is counted and
/// dropped as it arrives, whatever its size.
@Suite("Bodies no one reads")
struct UnreadBodiesTests {
    /// Records the size of every body a middleware sees, by path.
    final class BodySizes: CrawlMiddleware, Sendable {
        private let sizes = LockedState<[String: Int]>([:])

        func didReceive(_ response: Response, for request: Request) async -> ResponseDecision {
            let path = URL(string: response.finalURL)?.path ?? response.finalURL
            sizes.withLock { $0[path] = response.body.count }
            return .accept(response)
        }

        var values: [String: Int] { sizes.withLock { $0 } }
    }

    /// A spider that follows every link and reads every body (the default `readsNonHTMLBodies`).
    final class ReadingSpider: Spider, @unchecked Sendable {
        private let seeds: [String]

        init(seeds: [String]) {
            self.seeds = seeds
            super.init()
        }

        override var startURLs: [String] { seeds }

        override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
            output.follow(response.links)
        }
    }

    /// `/start` (HTML) links to a 300 KB binary, a page without `Content-Type` and an HTML page.
    private func startSite() async throws -> TestServer {
        let server = try await TestServer.start()
        let html = [("Content-Type", "text/html")]
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
        server.addRoute("/start") { _ in
            TestResponse(
                headers: html, body: Array(#"<a href="/bytes/300000">b</a><a href="/untyped">u</a><a href="/page">p</a>"#.utf8))
        }
        server.addRoute("/untyped") { _ in TestResponse(headers: [], body: Array("<html><p>no type</p></html>".utf8)) }
        server.addRoute("/page") { _ in TestResponse(headers: html, body: Array("<html><p>a page</p></html>".utf8)) }
        return server
    }

    /// Crawls the site from `/start` with `spider`; the bodies the middleware saw and the page log's bytes, by path.
    private func crawl(_ server: TestServer, spider: (String) -> Spider) async throws -> (seen: [String: Int], bytes: [String: Int]) {
        let scratch = try ScratchDirectory("unread-bodies")
        let path = scratch.path + "/pages.jsonl"
        let log = try FeedExporter(path: path, format: .jsonLines)
        let sizes = BodySizes()
        _ = try await Crawler(spider: spider(server.url("/start")), pageLog: log, middlewares: [sizes]).run()
        log.close()
        let records = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(PageRecord.self, from: Data($0.utf8)) }
        return (sizes.values, Dictionary(records.map { (URL(string: $0.url)?.path ?? "", $0.bytes) }, uniquingKeysWith: { a, _ in a }))
    }

    @Test(
        "The built-in spider's crawl keeps HTML and untyped bodies, and drops the binary one while counting it; a reading spider keeps all"
    )
    func nonHTMLBodiesAreDropped() async throws {
        let server = try await startSite()
        let following = try await crawl(server) { FollowAllSpider(seeds: [$0]) }
        let reading = try await crawl(server) { ReadingSpider(seeds: [$0]) }
        try await server.shutdown()
        #expect(following.seen["/bytes/300000"] == 0)
        #expect(following.seen["/untyped"] == 27)
        #expect(following.seen["/page"] == 26)
        #expect(reading.seen["/bytes/300000"] == 300_000)
        for crawl in [following, reading] {
            #expect(crawl.bytes["/bytes/300000"] == 300_000)
            #expect(crawl.bytes["/untyped"] == 27)
        }
    }

    @Test("asyncurl-crawl on a 200 MB binary: peak RSS stays within 64 MB of a crawl of a 1000-byte one")
    func largeBinaryCostsNoMemory() async throws {
        let server = try await TestServer.start()
        let scratch = try ScratchDirectory("unread-large")
        let bodyBytes = 200 << 20
        let small = try await peak(server.url("/bytes/1000"), maxBody: bodyBytes + (50 << 20), in: scratch.path + "/small")
        let large = try await peak(server.url("/bytes/\(bodyBytes)"), maxBody: bodyBytes + (50 << 20), in: scratch.path + "/large")
        try await server.shutdown()
        #expect(large.bytes == bodyBytes)
        #expect(large.peak - small.peak < 64 << 20, "peak RSS \(large.peak >> 20) MB vs \(small.peak >> 20) MB")
    }

    /// Crawls one URL with `asyncurl-crawl`; its peak resident memory and the page's bytes.
    private func peak(_ url: String, maxBody: Int, in prefix: String) async throws -> (peak: Int, bytes: Int?) {
        let process = try CrawlCommandProcess(
            [
                url, "--output", prefix + ".jsonl", "--max-body", String(maxBody), "--max-pages", "1", "--quiet", "--stats",
                prefix + ".stats"
            ],
            logPath: prefix + ".log")
        let code = await process.waitForExit(limit: .seconds(300))
        #expect(code == 0, "\((try? String(contentsOfFile: prefix + ".log", encoding: .utf8)) ?? "")")
        let line = try String(contentsOfFile: prefix + ".jsonl", encoding: .utf8).split(separator: "\n").first
        let record = try line.map { try JSONDecoder().decode(PageRecord.self, from: Data($0.utf8)) }
        return (try #require(process.peakResidentBytes(reportedIn: prefix + ".stats")), record?.bytes)
    }
}
