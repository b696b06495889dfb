import AsyncURL
import Crawling
import Foundation
import TestServer
import Testing

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

    @Test("Seeded on 127.0.0.1, a crawl may not follow a link to 127.0.0.2: only the seeds' own private addresses are allowed")
    func onlyTheSeedsAddresses() async throws {
        let server = try await TestServer.start()
        let other = try await TestServer.start(host: "127.0.0.2")
        server.addRoute("/") { _ in
            TestResponse(headers: [("Content-Type", "text/html")], body: Array("<a href='\(other.url("/x"))'>x</a><a href=/y>y</a>".utf8))
        }
        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.hosts = .any
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/")], settings: settings)
        try await server.shutdown()
        try await other.shutdown()
        #expect(crawl.stats.pages == 2)
        #expect(crawl.record(other.url("/x"))?.errorKind == "blockedAddress")
        #expect(other.acceptedConnections == 0)
    }

    @Test("Seeds on both addresses allow both")
    func bothSeeds() async throws {
        let server = try await TestServer.start()
        let other = try await TestServer.start(host: "127.0.0.2")
        var settings = CrawlSettings()
        settings.obeysRobots = false
        let crawl = try await LoggedCrawl.run(seeds: [server.url("/ok/1"), other.url("/ok/2")], settings: settings)
        try await server.shutdown()
        try await other.shutdown()
        #expect(crawl.stats.errorKinds["blockedAddress"] == nil)
        #expect(other.recordedRequests.count == 1)
    }

    @Test("CLI: a crawl seeded on 127.0.0.1 refuses a link to 127.0.0.2; --allow-private-addresses lets it through")
    func commandLine() async throws {
        let server = try await TestServer.start()
        let other = try await TestServer.start(host: "127.0.0.2")
        let target = other.url("/x")
        server.addRoute("/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<a href='\(target)'>x</a>".utf8)) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-guard-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func crawl(_ extra: [String], name: String) async throws -> (exit: Int32?, records: [PageRecord]) {
            let process = try CrawlCommandProcess(
                [
                    server.url("/"), "--scope", "any", "--ignore-robots", "--quiet",
                    "--output", "\(directory)/\(name).jsonl"
                ] + extra, logPath: "\(directory)/\(name).txt")
            let exit = await process.waitForExit(limit: .seconds(60))
            return (exit, try LoggedCrawl.readRecords(atPath: "\(directory)/\(name).jsonl"))
        }
        let guarded = try await crawl([], name: "guarded")
        #expect(guarded.exit == 0)
        #expect(guarded.records.first { $0.url == target }?.errorKind == "blockedAddress")
        #expect(other.acceptedConnections == 0)
        let allowed = try await crawl(["--allow-private-addresses"], name: "allowed")
        #expect(allowed.exit == 0)
        #expect(allowed.records.first { $0.url == target }?.error == nil)
        #expect(other.recordedRequests.count == 1)
        try await server.shutdown()
        try await other.shutdown()
    }
}
