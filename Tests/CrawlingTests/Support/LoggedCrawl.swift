import Crawling
import Foundation
import LinkExtraction
import Logging
import TestServer

/// A crawl run in-process with its page log read back: the statistics and
/// one ``PageRecord`` per URL the crawl finished with.
struct LoggedCrawl {
    let stats: CrawlStats
    /// The page log's records, in the order they were written.
    let records: [PageRecord]
    /// Whether the watchdog had to stop a crawl that ran past its time limit.
    let overran: Bool

    /// Crawls from `seeds` with `settings` (FollowAllSpider); a crawl still
    /// running after `limit` is stopped at once and reported as ``overran``.
    /// The limit only guards against a hang, so it is generous: a full test
    /// run on a loaded 2-core machine has taken over 40 s for a crawl of ten pages.
    static func run(
        seeds: [String], settings: CrawlSettings = CrawlSettings(), limit: Duration = .seconds(240),
        logger: Logger = Logger(label: "AsyncURL.Crawler")
    ) async throws -> LoggedCrawl {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-hostile-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try FeedExporter(path: path, format: .jsonLines)
        let crawler = Crawler(spider: FollowAllSpider(seeds: seeds), settings: settings, pageLog: log, logger: logger)
        let watchdog = Task {
            try await Task.sleep(for: limit)
            crawler.abandonInFlight()
        }
        let stats = try await crawler.run()
        watchdog.cancel()
        let overran = await watchdog.result.isSuccess
        log.close()
        return LoggedCrawl(stats: stats, records: try readRecords(atPath: path), overran: overran)
    }

    /// The JSON-lines page log at `path`, decoded.
    static func readRecords(atPath path: String) throws -> [PageRecord] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(PageRecord.self, from: Data($0.utf8)) }
    }

    /// The record of `url` (compared in the crawl's canonical form), if the crawl logged one.
    func record(_ url: String) -> PageRecord? {
        position(of: url).map { records[$0] }
    }

    /// The URLs in `urls` that have no record with status 200 and no error.
    func missing(_ urls: [String]) -> [String] {
        urls.filter { url in
            guard let record = record(url) else { return true }
            return record.status != 200 || record.error != nil
        }
    }

    /// The position of `url`'s record in the log.
    func position(of url: String) -> Int? {
        // Records hold the URL as fetched (the page's spelling); compare canonical forms.
        func canonical(_ text: String) -> String { CanonicalURL(text, options: .crawler)?.string ?? text }
        let wanted = canonical(url)
        return records.firstIndex { canonical($0.url) == wanted }
    }
}

extension PageRecord {
    /// The ``AsyncURL/FetchError/Kind`` name of a failed fetch (the text before `:`).
    var errorKind: String? {
        error.map { String($0.prefix { $0 != ":" }) }
    }
}

extension Result {
    /// Whether it is a success.
    var isSuccess: Bool {
        if case .success = self { true } else { false }
    }
}

extension TestResponse {
    /// A `text/html` page with `body` inside `<html><body>`.
    static func html(_ body: String) -> TestResponse {
        TestResponse(headers: [("Content-Type", "text/html; charset=utf-8")], body: Array("<html><body>\(body)</body></html>".utf8))
    }

    /// A page of links to `targets`.
    static func links(_ targets: [String]) -> TestResponse {
        html(targets.map { "<a href=\"\($0)\">link</a>\n" }.joined())
    }
}

extension TestServer {
    /// Serves an ordinary small page at every path under `/ok/` (counted in the server's requests).
    func addOrdinaryPages() {
        addRoute("/ok/") { _ in .html("<p>an ordinary page</p>") }
    }

    /// Requests received whose path starts with `prefix`.
    func requests(under prefix: String) -> [TestRequest] {
        recordedRequests.filter { $0.path.hasPrefix(prefix) }
    }
}
