import AsyncURLSupport
import CrawlFrontier
import Foundation
import TestServer
import Testing

@testable import Crawling

/// Sitemap `<lastmod>` and `<changefreq>` as hints for a recrawl's schedule.
@Suite("Sitemap hints for recrawls")
struct SitemapHintTests {
    private func schedule(min: Duration = .seconds(3600), max: Duration = .seconds(30 * 86_400)) -> RevisitSchedule {
        var settings = RecrawlSettings()
        settings.minimumInterval = min
        settings.maximumInterval = max
        return RevisitSchedule(settings: settings)
    }

    private let day: Int64 = 86_400_000

    @Test(
        "W3C datetimes: every form sitemaps use, time zones applied; anything else is unreadable",
        arguments: [
            ("1970-01-01", Int64(0)), ("2026-11-30", Int64(1_795_996_800_000)), ("2026-11", Int64(1_793_491_200_000)),
            ("2026", Int64(1_767_225_600_000)),
            ("2026-11-30T10:00Z", Int64(1_796_032_800_000)), ("2026-11-30T10:00:30+02:00", Int64(1_796_025_630_000)),
            ("2026-11-30T10:00:30.25-01:30", Int64(1_796_038_230_250)), (" 2026-11-30 \n", Int64(1_795_996_800_000)),
            ("2024-02-29", Int64(1_709_164_800_000))
        ])
    func dateTimes(text: String, milliseconds: Int64) {
        #expect(W3CDateTime.milliseconds(text) == milliseconds)
    }

    @Test(
        "Unreadable datetimes",
        arguments: [
            "", "yesterday", "2026-13-01", "2025-02-29", "2026-11-30T10:00", "2026-11-30T25:00Z", "2026-11-30T10:00:00+0200", "20261130"
        ])
    func unreadable(text: String) {
        #expect(W3CDateTime.milliseconds(text) == nil)
        #expect(SitemapHint(meta: [SitemapSpider.lastModifiedKey: text])?.hasUnreadableValue == true)
    }

    @Test("A lastmod after the last visit makes a page due now; one before it changes nothing")
    func lastModified() throws {
        let visit: Int64 = 1_795_996_800_000
        let page = PageRevisit(
            fingerprint: 1, url: "http://h/", status: 200, etag: nil, lastModified: nil, digest: [], depth: 0,
            lastVisitMilliseconds: visit, intervalMilliseconds: 10 * day, links: [], items: [])
        let newer = try #require(SitemapHint(meta: [SitemapSpider.lastModifiedKey: "2026-11-30T12:00Z"]))
        let older = try #require(SitemapHint(meta: [SitemapSpider.lastModifiedKey: "2026-11-29"]))
        #expect(!schedule().isDue(page, now: visit + day))
        #expect(schedule().isDue(page, now: visit + day, hint: newer))
        #expect(!schedule().isDue(page, now: visit + day, hint: older))
    }

    @Test("changefreq bounds the interval from above, within --revisit-min and --revisit-max")
    func changeFrequency() throws {
        let visit: Int64 = 1_000_000_000_000
        let page = PageRevisit(
            fingerprint: 1, url: "http://h/", status: 200, etag: nil, lastModified: nil, digest: [], depth: 0,
            lastVisitMilliseconds: visit, intervalMilliseconds: 10 * day, links: [], items: [])
        func hint(_ value: String) throws -> SitemapHint { try #require(SitemapHint(meta: [SitemapSpider.changeFrequencyKey: value])) }
        #expect(!schedule().isDue(page, now: visit + 2 * day))
        #expect(schedule().isDue(page, now: visit + 2 * day, hint: try hint("daily")))
        #expect(!schedule().isDue(page, now: visit + 2 * day, hint: try hint("weekly")))
        // `always` counts as the minimum (one hour), not as "due at once".
        #expect(!schedule().isDue(page, now: visit + 1_800_000, hint: try hint("Always")))
        #expect(schedule().isDue(page, now: visit + 3_600_000, hint: try hint("always")))
        // `yearly` and `never` cannot stretch the interval past the maximum it already has.
        #expect(schedule().isDue(page, now: visit + 10 * day, hint: try hint("never")))
        // The next interval is bounded too: an unchanged daily page does not grow past a day.
        #expect(schedule().interval(after: .unchanged, previous: day, hint: try hint("daily")) == day)
        #expect(schedule().interval(after: .unchanged, previous: day) == day * 3 / 2)
        #expect(schedule(min: .seconds(2 * 86_400)).interval(after: .unchanged, previous: 2 * day, hint: try hint("hourly")) == 2 * day)
        #expect(try hint("fortnightly").hasUnreadableValue)
    }

    /// A sitemap listing `/a` and `/b` with `<lastmod>` values the test sets.
    final class Site: Sendable {
        let lastModified = LockedState(["/a": "2020-01-01", "/b": "2020-01-01"])

        func serve(_ server: TestServer) {
            server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "none") }
            server.addRoute("/sitemap.xml") { _ in
                let entries = self.lastModified.withLock { $0 }.sorted { $0.key < $1.key }
                    .map { "<url><loc>\(server.url($0.key))</loc><lastmod>\($0.value)</lastmod></url>" }.joined()
                let xml = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\(entries)</urlset>"
                return TestResponse(headers: [("Content-Type", "application/xml")], body: Array(xml.utf8))
            }
            for path in ["/a", "/b"] {
                server.addRoute(path) { _ in
                    TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html><body>\(path)</body></html>".utf8))
                }
            }
        }
    }

    final class HintedSpider: SitemapSpider, @unchecked Sendable {
        let sitemap: String
        init(sitemap: String) { self.sitemap = sitemap }
        override var sitemapURLs: [String] { [sitemap] }
    }

    private func crawl(_ server: TestServer, state: String) async throws -> CrawlStats {
        var settings = CrawlSettings()
        settings.stateDirectory = state
        settings.recrawl = RecrawlSettings()
        return try await Crawler(spider: HintedSpider(sitemap: server.url("/sitemap.xml")), settings: settings).run()
    }

    @Test(
        "Recrawl over a loopback sitemap: the sitemap is read again every run; only the page whose lastmod is newer than its visit is fetched"
    )
    func recrawlBySitemap() async throws {
        let site = Site()
        let server = try await TestServer.start()
        site.serve(server)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("sitemap-hints-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }

        let first = try await crawl(server, state: state)
        #expect(first.changes == ["new": 3])

        // Nothing is due within the hour; the sitemap is read again, unchanged.
        let second = try await crawl(server, state: state)
        #expect(second.changes == ["unchanged": 1])
        #expect(second.revisitsNotDue == 2)
        #expect(second.revisitsDueBySitemap == 0)

        site.lastModified.withLock { $0["/a"] = "2099-01-01T00:00:00Z" }
        let before = server.recordedRequests.filter { $0.path == "/a" }.count
        let third = try await crawl(server, state: state)
        #expect(server.recordedRequests.filter { $0.path == "/a" }.count == before + 1, "/a is fetched again")
        #expect(third.revisitsDueBySitemap == 1)
        #expect(third.revisitsNotDue == 1, "/b is not due")
        #expect(third.changes == ["changed": 1, "unchanged": 1], "the sitemap changed; /a did not")
        try await server.shutdown()
    }
}
