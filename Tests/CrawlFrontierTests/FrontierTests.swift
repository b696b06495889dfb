import AsyncURL
import CrawlFrontier
import Foundation
import TestServer
import Testing

@Suite("Frontier: dedup, scope, limits and robots.txt against a loopback server")
struct FrontierTests {
    private func entry(_ server: TestServer, _ path: String, depth: Int = 0) -> FrontierEntry {
        let url = server.url(path)
        return FrontierEntry(
            url: url, fingerprint: UInt64(truncatingIfNeeded: url.hashValue), hostKey: "http://127.0.0.1:\(server.port)", depth: depth)
    }

    /// Fetches robots.txt with the real fetch core.
    private func fetcher(_ client: FetchClient) -> @Sendable (String) async -> RobotsFetchResult {
        { url in
            do {
                let response = try await client.fetch(
                    Request(url: url, redirectPolicy: .follow(maxHops: 5), maxBodySize: RobotsTxt.maxParsedBytes))
                return .response(status: response.status, body: Array(response.body))
            } catch {
                return .unreachable
            }
        }
    }

    @Test("robots.txt is fetched once per host, before its pages, and obeyed")
    func robots() async throws {
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /private/\nCrawl-delay: 0\n") }
        let client = try FetchClient()
        let frontier = Frontier(scope: try CrawlScope(), userAgent: "AsyncURLTests", robotsFetcher: fetcher(client))
        _ = await frontier.addSeeds([entry(server, "/")])
        for index in 0..<20 {
            await frontier.add(entry(server, "/page-\(index)", depth: 1))
            await frontier.add(entry(server, "/private/\(index)", depth: 1))
        }
        var handed: [String] = []
        while let next = await frontier.next() {
            handed.append(next.url)
            await frontier.complete(next, outcome: .success(latency: .milliseconds(1)))
        }
        await client.shutdown()
        try await server.shutdown()
        #expect(server.recordedRequests.filter { $0.path == "/robots.txt" }.count == 1)
        #expect(handed.count == 21)
        #expect(!handed.contains { $0.contains("/private/") })
        let counters = await frontier.counters
        #expect(counters.robotsDenied == 20)
        #expect(counters.robotsFetched == 1)
    }

    @Test("robots.txt answering 500 disallows the host, 404 allows it")
    func robotsStatus() async throws {
        for (status, expectedPages) in [(500, 0), (404, 3)] {
            let server = try await TestServer.start()
            server.addRoute("/robots.txt") { _ in TestResponse(status: status, text: "error") }
            let client = try FetchClient()
            let frontier = Frontier(scope: try CrawlScope(), userAgent: "AsyncURLTests", robotsFetcher: fetcher(client))
            _ = await frontier.addSeeds([entry(server, "/a"), entry(server, "/b"), entry(server, "/c")])
            var pages = 0
            while let next = await frontier.next() {
                pages += 1
                await frontier.complete(next, outcome: .success(latency: .zero))
            }
            await client.shutdown()
            try await server.shutdown()
            #expect(pages == expectedPages)
        }
    }

    @Test("Duplicates, scope, depth, traps and page limits")
    func limits() async throws {
        let scope = try CrawlScope(denyPatterns: [#"\?sessionid="#], maxDepth: 2, maxURLLength: 200, maxRepeatedSegments: 2)
        let frontier = Frontier(scope: scope, userAgent: "t", obeysRobots: false, maxPages: 5) { _ in .unreachable }
        let seed = FrontierEntry(url: "http://h/", fingerprint: 1, hostKey: "http://h:80")
        _ = await frontier.addSeeds([seed])
        func add(_ url: String, _ fingerprint: UInt64, depth: Int = 1, host: String = "http://h:80") async -> FrontierAddOutcome {
            await frontier.add(FrontierEntry(url: url, fingerprint: fingerprint, hostKey: host, depth: depth))
        }
        #expect(await add("http://h/", 1) == .duplicate)
        #expect(await add("http://other/", 2, host: "http://other:80") == .rejected(.offScope))
        #expect(await add("http://h/deep", 3, depth: 3) == .rejected(.tooDeep))
        #expect(await add("http://h/x?sessionid=42", 4) == .rejected(.filtered))
        #expect(await add("http://h/" + String(repeating: "y", count: 300), 5) == .rejected(.tooLong))
        #expect(await add("http://h/a/b/a/b/a/b", 6) == .rejected(.repeatedSegments))
        for index in 0..<4 {
            #expect(await add("http://h/p\(index)", 100 + UInt64(index)) == .queued)
        }
        #expect(await add("http://h/one-too-many", 200) == .pageLimitReached)
        let counters = await frontier.counters
        #expect(counters.duplicates == 1)
        #expect(counters.rejected[.offScope] == 1)
        #expect(counters.pageLimited == 1)
    }

    @Test("nextIfReady() claims what may go now and answers nil at once when nothing may")
    func nextIfReady() async throws {
        let frontier = Frontier(
            policy: PolitenessPolicy(maxConcurrencyPerHost: 1), scope: try CrawlScope(), userAgent: "t", obeysRobots: false
        ) { _ in .unreachable }
        #expect(await frontier.nextIfReady() == nil)
        let first = FrontierEntry(url: "http://h/", fingerprint: 1, hostKey: "http://h:80")
        _ = await frontier.addSeeds([first])
        _ = await frontier.add(FrontierEntry(url: "http://h/2", fingerprint: 2, hostKey: "http://h:80", depth: 1))
        // A new host is admitted asynchronously (its robots.txt step): next() waits for that.
        let claimed = try #require(await frontier.next())
        #expect(claimed.url == "http://h/")
        // The host's one slot is taken: the second URL may not go yet, and nothing waits for it.
        #expect(await frontier.nextIfReady() == nil)
        #expect(await frontier.inFlightCount == 1)
        await frontier.complete(claimed, outcome: .success(latency: .milliseconds(1)))
        let second = try #require(await frontier.nextIfReady())
        #expect(second.url == "http://h/2")
        await frontier.complete(second, outcome: .success(latency: .milliseconds(1)))
        // Finished: nextIfReady() says nil and next() ends.
        #expect(await frontier.nextIfReady() == nil)
        #expect(await frontier.next() == nil)
    }

    @Test("Workers waiting in next() are woken by new URLs and end when the crawl is done")
    func waiting() async throws {
        let frontier = Frontier(
            policy: PolitenessPolicy(maxConcurrencyPerHost: 1), scope: try CrawlScope(hosts: .any), userAgent: "t", obeysRobots: false
        ) { _ in .unreachable }
        _ = await frontier.addSeeds([FrontierEntry(url: "http://h/0", fingerprint: 0, hostKey: "http://h:80")])
        let handed = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    var mine: [String] = []
                    while let next = await frontier.next() {
                        mine.append(next.url)
                        // Each page "finds" the next one until 10.
                        if let index = Int(next.url.split(separator: "/").last ?? ""), index < 9 {
                            await frontier.add(
                                FrontierEntry(
                                    url: "http://h/\(index + 1)", fingerprint: UInt64(index + 1), hostKey: "http://h:80", depth: 1))
                        }
                        await frontier.complete(next, outcome: .success(latency: .zero))
                    }
                    return mine
                }
            }
            var all: [String] = []
            for await part in group { all += part }
            return all
        }
        #expect(handed.sorted() == (0..<10).map { "http://h/\($0)" }.sorted())
        #expect(await frontier.isFinished)
    }
}
