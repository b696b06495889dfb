import AsyncURLSupport
import Crawling
import Foundation
import TestServer
import Testing

/// A spider's start requests read a batch at a time
/// (``Spider/startRequestReader()``): the workers fetch while the rest is
/// read, and a reader that fails stops the crawl with its error.
@Suite("Start requests from a reader")
struct StartRequestReaderTests {
    /// Batches of one URL each; before the batch at `waitBefore` it waits
    /// (at most 10 s) until `ready()` says so, and keeps in `waited` whether
    /// it did; at `failAt` it throws.
    struct StepReader: StartRequestReader {
        let urls: [String]
        var waitBefore: Int?
        var failAt: Int?
        var waited: LockedState<Bool?>?
        let ready: @Sendable () -> Bool
        var index = 0

        struct Broken: Error {}

        mutating func nextBatch() throws -> [CrawlRequest]? {
            defer { index += 1 }
            if index == failAt { throw Broken() }
            if index == waitBefore {
                let deadline = ContinuousClock.now + .seconds(10)
                while !ready(), ContinuousClock.now < deadline { usleep(5_000) }
                let wasReady = ready()
                waited?.withLock { $0 = wasReady }
            }
            return index < urls.count ? [CrawlRequest(url: urls[index])] : nil
        }
    }

    final class ReaderSpider: Spider, @unchecked Sendable {
        let makeReader: @Sendable () -> StepReader

        init(_ makeReader: @escaping @Sendable () -> StepReader) {
            self.makeReader = makeReader
            super.init()
        }

        override func startRequestReader() throws -> (any StartRequestReader)? { makeReader() }
    }

    private static func server() async throws -> TestServer {
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "") }
        server.addRoute("/p/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html></html>".utf8)) }
        return server
    }

    @Test("The first seeds are fetched while the reader is still reading: its second batch waits for the first page to reach the server")
    func fetchesWhileReading() async throws {
        let server = try await Self.server()
        let urls = (0..<5).map { server.url("/p/\($0)") }
        let passes = LockedState(0)
        let waited = LockedState<Bool?>(nil)
        let spider = ReaderSpider {
            // The first pass (the seeds' hosts) waits for nothing; the crawl's pass waits for its first page.
            let pass = passes.withLock { count in
                count += 1
                return count
            }
            return StepReader(urls: urls, waitBefore: pass == 2 ? 1 : nil, failAt: nil, waited: waited) {
                server.recordedRequests.contains { $0.path == "/p/0" }
            }
        }
        let stats = try await Crawler(spider: spider, settings: CrawlSettings()).run()
        try await server.shutdown()
        #expect(stats.pages == 5)
        #expect(passes.withLock { $0 } == 2)
        // Had the crawl read the whole list first, /p/0 could not have reached the server while the reader waited.
        #expect(waited.withLock { $0 } == true)
    }

    @Test("A reader that fails after its first batch stops the crawl; run() throws startRequestsUnavailable")
    func failingReader() async throws {
        let server = try await Self.server()
        let urls = (0..<5).map { server.url("/p/\($0)") }
        let passes = LockedState(0)
        let spider = ReaderSpider {
            let pass = passes.withLock { count in
                count += 1
                return count
            }
            return StepReader(urls: urls, waitBefore: nil, failAt: pass == 2 ? 2 : nil, waited: nil) { true }
        }
        await #expect {
            _ = try await Crawler(spider: spider, settings: CrawlSettings()).run()
        } throws: { error in
            guard case CrawlError.startRequestsUnavailable(let cause) = error else { return false }
            return cause is StepReader.Broken
        }
        try await server.shutdown()
    }

    @Test("A reader that cannot be made (a missing seed file) is an error before anything starts")
    func unreadableSeedFile() async throws {
        final class MissingFileSpider: Spider, @unchecked Sendable {
            override func startRequestReader() throws -> (any StartRequestReader)? {
                SeedListReader(urls: [], file: try SeedFile(path: "/nonexistent/seeds.txt"))
            }
        }
        await #expect {
            _ = try await Crawler(spider: MissingFileSpider(), settings: CrawlSettings()).run()
        } throws: { error in
            guard case CrawlError.startRequestsUnavailable(let cause) = error else { return false }
            return (cause as? SeedFileError) == .cannotOpen(path: "/nonexistent/seeds.txt", code: ENOENT)
        }
    }
}
