import Foundation
import TestServer
import Testing

/// `asyncurl-crawl --host-setting`: read into per-host rules; a rule that
/// cannot be read is a usage error naming it.
@Suite("asyncurl-crawl --host-setting", .serialized)
struct HostSettingsCommandTests {
    private let scratch: ScratchDirectory
    private var directory: String { scratch.path }

    init() throws {
        scratch = try ScratchDirectory("asyncurl-hosts")
    }

    private func logText(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }

    @Test("A bad --host-setting is a usage error (exit 64) naming the argument and what is wrong")
    func usageErrors() async throws {
        for (index, bad) in ["127.0.0.1", "127.0.0.1:per-host=zero", "127.0.0.1:speed=3"].enumerated() {
            let process = try CrawlCommandProcess(
                ["http://127.0.0.1:1/", "--host-setting", bad, "--quiet"], logPath: directory + "/usage\(index).log")
            #expect(await process.waitForExit() == 64)
            let log = logText("usage\(index).log")
            #expect(log.contains("--host-setting '\(bad)'"), "\(log)")
        }
    }

    @Test("--host-setting gives 127.0.0.2 its own user agent and per-host limit; 127.0.0.1 keeps the crawl's")
    func appliedPerHost() async throws {
        let first = try await TestServer.start()
        let second = try await TestServer.start(host: "127.0.0.2")
        let counters = [RequestCounter(), RequestCounter()]
        for (server, counter) in zip([first, second], counters) {
            let holdsForCompany = server === second
            server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "") }
            server.addRoute("/p/") { _ in
                // 127.0.0.2's requests wait (at most 2 s) for a second one,
                // so its limit of 4 shows overlap however loaded the machine is.
                if holdsForCompany { await counter.enterAndAwaitCompany() } else { counter.enter() }
                try? await Task.sleep(for: .milliseconds(60))
                counter.leave()
                return TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html></html>".utf8))
            }
            server.addRoute("/") { request in
                guard request.path == "/" else { return TestResponse(status: 404, text: "") }
                let links = (0..<16).map { "<a href=\"/p/\($0)\">x</a>" }.joined()
                return TestResponse(headers: [("Content-Type", "text/html")], body: Array(links.utf8))
            }
        }
        let process = try CrawlCommandProcess(
            [
                first.url("/"), second.url("/"), "--scope", "any", "--per-host", "1", "--quiet",
                "--host-setting", "127.0.0.2:per-host=4,user-agent=Special/1.0 (x, y)"
            ],
            logPath: directory + "/crawl.log")
        #expect(await process.waitForExit() == 0, "\(logText("crawl.log"))")
        try await first.shutdown()
        try await second.shutdown()
        #expect(counters[0].maximum == 1)
        #expect(counters[1].maximum > 1 && counters[1].maximum <= 4)
        #expect(
            second.recordedRequests.count == 18 && second.recordedRequests.allSatisfy { $0.header("User-Agent") == "Special/1.0 (x, y)" })
        #expect(first.recordedRequests.allSatisfy { $0.header("User-Agent")?.hasPrefix("AsyncURL/") == true })
    }
}
