import CrawlFrontier
import Crawling
import Foundation
import TestServer
import Testing

/// `--scope domain`: the seeds' registrable domains, by the Public Suffix List.
@Suite("Domain scope")
struct DomainScopeTests {
    @Test("Registrable domains of seeds: www.bbc.co.uk gives bbc.co.uk, not co.uk")
    func registrableDomains() {
        let hosts = CrawlScope.Hosts.registrableDomains(ofSeeds: [
            "http://www.bbc.co.uk/news", "https://docs.example.com:8080/a", "http://127.0.0.1:9/", "http://a.b.github.io/",
            "http://example.com/"
        ])
        #expect(hosts == .domains(["127.0.0.1", "b.github.io", "bbc.co.uk", "example.com"]))
    }

    @Test("The scope built from them takes subdomains and leaves the public suffix's other sites out")
    func scopeDecisions() throws {
        let scope = try CrawlScope(hosts: .registrableDomains(ofSeeds: ["http://www.bbc.co.uk/"]))
        func rejection(_ hostKey: String) -> CrawlScope.Rejection? {
            scope.rejection(of: FrontierEntry(url: hostKey + "/", fingerprint: 0, hostKey: hostKey, depth: 1), seedHosts: [])
        }
        #expect(rejection("http://news.bbc.co.uk:80") == nil)
        #expect(rejection("http://bbc.co.uk:80") == nil)
        #expect(rejection("http://guardian.co.uk:80") == .offScope)
    }

    @Test("CLI: --scope domain from localhost follows a.localhost and not 127.0.0.1")
    func commandLine() async throws {
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in
            TestResponse(
                headers: [("Content-Type", "text/html")],
                body: Array(
                    "<a href='http://a.localhost:\(server.port)/in'>in</a><a href='http://127.0.0.1:\(server.port)/out'>out</a>".utf8))
        }
        server.addRoute("/in") { _ in TestResponse(text: "in") }
        server.addRoute("/out") { _ in TestResponse(text: "out") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-domain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try CrawlCommandProcess(
            [
                "http://localhost:\(server.port)/start", "--scope", "domain", "--ignore-robots", "--quiet",
                "--output", directory + "/pages.jsonl"
            ], logPath: directory + "/output.txt")
        let exit = await process.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(exit == 0, "\((try? String(contentsOfFile: directory + "/output.txt", encoding: .utf8)) ?? "")")
        let paths = server.recordedRequests.map(\.path)
        #expect(paths.contains("/in"), "\(paths)")
        #expect(!paths.contains("/out"))
        #expect(server.recordedRequests.first { $0.path == "/in" }?.host == "a.localhost:\(server.port)")
    }
}
