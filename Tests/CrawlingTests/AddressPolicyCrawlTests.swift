import AsyncURL
import Crawling
import Foundation
import Testing
import TestServer

/// A crawl's address policy: decided from its seeds, or set.
@Suite("Address policy of a crawl")
struct AddressPolicyCrawlTests {
    @Test("A crawl held to public addresses fetches nothing on loopback and says why")
    func publicOnlyCrawl() async throws {
        let server = try await TestServer.start()
        server.addRoute("/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<a href=/x>x</a>".utf8)) }
        var settings = CrawlSettings()
        settings.addressPolicy = .publicOnly
        settings.obeysRobots = false
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [server.url("/")]), settings: settings).run()
        try await server.shutdown()
        #expect(stats.pages == 0)
        #expect(stats.errorKinds["blockedAddress"] == 1)
        #expect(server.acceptedConnections == 0)
    }

    @Test("Seeded on loopback, a crawl may use loopback (the default decides from the seeds)")
    func loopbackSeed() async throws {
        let server = try await TestServer.start()
        server.addRoute("/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<a href=/x>x</a>".utf8)) }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        let stats = try await Crawler(spider: FollowAllSpider(seeds: [server.url("/")]), settings: settings).run()
        try await server.shutdown()
        #expect(stats.pages == 2)
        #expect(stats.errorKinds["blockedAddress"] == nil)
    }
}
