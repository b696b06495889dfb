import Crawling
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl --state`: a crawl killed with SIGKILL or stopped with
/// Ctrl-C goes on where it stopped, and the page logs of all its runs together
/// hold every page of the manifest exactly once.
@Suite("Stopping and resuming crawls", .serialized)
struct StopAndResumeTests {
    private let scratch: ScratchDirectory
    private var directory: String { scratch.path }

    init() throws {
        scratch = try ScratchDirectory("asyncurl-resume")
    }

    private var logPath: String { directory + "/pages.jsonl" }

    /// Slow enough (one request at a time, 100 ms apart: at least 7 s in all) to be stopped midway.
    private func arguments(_ site: DemoSiteServer, _ extra: [String] = []) -> [String] {
        [site.baseURL + "/", "--state", directory + "/state", "--output", logPath, "--per-host", "1", "--delay", "0.1", "--quiet"] + extra
    }

    private func records() throws -> [PageRecord] {
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"), "the page log ends with a whole line")
        return try text.split(separator: "\n").map { try JSONDecoder().decode(PageRecord.self, from: Data($0.utf8)) }
    }

    /// Every path fetched (requested URLs, redirect hops, final URLs), and the requested URLs logged more than once.
    private func summary(_ records: [PageRecord], base: String) -> (paths: Set<String>, twice: [String]) {
        var paths: Set<String> = []
        var counts: [String: Int] = [:]
        for record in records {
            counts[record.url, default: 0] += 1
            for url in [record.url, record.finalURL].compactMap({ $0 }) + (record.redirects ?? []) where url.hasPrefix(base) {
                paths.insert(String(url.dropFirst(base.count)))
            }
        }
        return (paths, counts.filter { $0.value > 1 }.map(\.key).sorted())
    }

    private func log(_ name: String) -> String { directory + "/" + name + ".out" }

    @Test("Killed twice with SIGKILL and resumed: the runs together fetch the manifest, no page twice")
    func resumeAfterKill() async throws {
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let manifest = try site.manifest()
        for (run, killAfter) in [(1, 12), (2, 35)] {
            let crawl = try CrawlCommandProcess(arguments(site), logPath: log("run\(run)"))
            crawl.send(SIGKILL, whenLinesIn: logPath, reach: killAfter)
            let status = await crawl.waitForExit()
            #expect(status == 128 + SIGKILL, "run \(run) ended with \(String(describing: status))")
        }
        let killedLines = try records().count
        #expect(killedLines < manifest.count, "the crawl was stopped before its end")
        let last = try CrawlCommandProcess(arguments(site), logPath: log("run3"))
        let lastStatus = await last.waitForExit()
        #expect(
            lastStatus == 0,
            "the last run ended with \(String(describing: lastStatus)): \((try? String(contentsOfFile: log("run3"), encoding: .utf8)) ?? "")"
        )
        let (paths, twice) = summary(try records(), base: site.baseURL)
        #expect(paths == manifest)
        #expect(twice.isEmpty, "logged twice: \(twice)")
    }

    @Test("The first Ctrl-C stops gracefully (exit 130, whole lines, stats written); resuming completes the crawl")
    func gracefulStopThenResume() async throws {
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let statsPath = directory + "/stats.json"
        let crawl = try CrawlCommandProcess(arguments(site, ["--stats", statsPath]), logPath: log("run1"))
        crawl.send(SIGINT, whenLinesIn: logPath, reach: 20)
        #expect(await crawl.waitForExit() == 130)
        let stopped = try records()
        #expect(stopped.count < (try site.manifest()).count)
        let stats = try JSONDecoder().decode(CrawlStats.self, from: Data(contentsOf: URL(fileURLWithPath: statsPath)))
        #expect(stats.pages + stats.errors == stopped.count, "the stats count what the page log holds")

        let resumed = try CrawlCommandProcess(arguments(site), logPath: log("run2"))
        #expect(await resumed.waitForExit() == 0)
        let (paths, twice) = summary(try records(), base: site.baseURL)
        #expect(paths == (try site.manifest()))
        #expect(twice.isEmpty, "logged twice: \(twice)")
    }

    @Test("A second Ctrl-C quits at once, without waiting for a request that never ends")
    func secondInterruptQuits() async throws {
        let server = try await TestServer.start()
        let crawl = try CrawlCommandProcess(
            [server.url("/hang"), "--ignore-robots", "--timeout", "600", "--output", logPath],
            logPath: log("run1"))
        // The request is in flight once the server has it.
        let deadline = ContinuousClock.now + .seconds(60)
        while !server.recordedRequests.contains(where: { $0.path == "/hang" }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        crawl.send(SIGINT)
        #expect(await CrawlCommandProcess.waitForText(in: log("run1"), containing: "stopping"), "the first Ctrl-C is acknowledged")
        crawl.send(SIGINT)
        #expect(await crawl.waitForExit(limit: .seconds(60)) == 130)
        try await server.shutdown()
    }
}
