import AsyncURL
import Crawling
import Foundation
import TestServer
import Testing

/// What a crawl puts on the wire: links as the page wrote them, redirects as the scope check saw them.
@Suite("What a crawl fetches")
struct LinkFetchingTests {
    @Test("A link is fetched as the WHATWG serialisation of what the page wrote; the canonical form only dedups")
    func linkAsWritten() async throws {
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in
            TestResponse(
                headers: [("Content-Type", "text/html")],
                body: Array("<a href='/p?b=%zz'>1</a><a href='/q?x=%7e'>2</a><a href='/q?x=~'>3</a><a href='/r^s?t=%5e'>4</a>".utf8))
        }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()
        let targets = server.recordedRequests.map(\.target)
        #expect(targets.contains("/p?b=%zz"), "\(targets)")
        #expect(!targets.contains("/p?b=%25zz"))
        // `%7e` and `~` are one URL in canonical form: fetched once, as first written.
        #expect(targets.filter { $0.hasPrefix("/q") } == ["/q?x=%7e"])
        // `^` in a path is percent-encoded (the URL Standard's path set); the query keeps what was written.
        #expect(targets.contains("/r%5Es?t=%5e"), "\(targets)")
        #expect(crawl.records.contains { $0.url == server.url("/p?b=%zz") })
    }

    @Test("A redirect whose Location libcurl would read as another host is fetched as the URL Standard reads it, in scope")
    func redirectAsScopeSawIt() async throws {
        let server = try await TestServer.start()
        let other = try await TestServer.start(host: "127.0.0.2")
        // libcurl alone reads "127.0.0.1:PORT\" as user info and connects to 127.0.0.2; the URL Standard
        // reads the backslash as a slash: the seed's host, path "/@127.0.0.2:PORT/x".
        let location = "http://127.0.0.1:\(server.port)\\@127.0.0.2:\(other.port)/x"
        server.addRoute("/start") { _ in TestResponse(status: 302, text: "", headers: [("Location", location)]) }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.addressPolicy = .any
        _ = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()
        try await other.shutdown()
        #expect(other.acceptedConnections == 0)
        #expect(server.recordedRequests.map(\.target).contains("/@127.0.0.2:\(other.port)/x"), "\(server.recordedRequests.map(\.target))")
    }

    @Test("An off-scope redirect is not followed, whatever libcurl would make of it")
    func offScopeRedirect() async throws {
        let server = try await TestServer.start()
        let other = try await TestServer.start(host: "127.0.0.2")
        server.addRoute("/start") { _ in TestResponse(status: 307, text: "", headers: [("Location", other.url("/away"))]) }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.addressPolicy = .any
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/start")], settings: settings)
        try await server.shutdown()
        try await other.shutdown()
        #expect(other.acceptedConnections == 0)
        #expect(crawl.record(server.url("/start"))?.status == 307)
    }
}
