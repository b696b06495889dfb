import Crawling
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl --state DIR --recrawl` against a generated site served by
/// nginx (which sends ETag and Last-Modified and answers conditional requests
/// with 304): an unchanged site is all `unchanged` for almost no bytes;
/// edited and deleted files are exactly the `changed` and `gone` pages;
/// pages not due are not fetched; a recrawl killed midway resumes.
@Suite("asyncurl-crawl --recrawl", .serialized)
struct RecrawlCommandTests {
    private let scratch: ScratchDirectory
    private var directory: String { scratch.path }

    init() throws {
        scratch = try ScratchDirectory("asyncurl-recrawl")
    }

    private func path(_ name: String) -> String { directory + "/" + name }

    /// Runs the crawler to its end; its exit code.
    private func run(_ site: DemoSiteServer, _ extra: [String], log: String) async throws -> Int32? {
        let process = try CrawlCommandProcess(
            [site.baseURL + "/", "--state", path("state"), "--recrawl", "--quiet"] + extra, logPath: path(log))
        return await process.waitForExit()
    }

    private func records(_ name: String) throws -> [PageRecord] {
        let text = try String(contentsOfFile: path(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(PageRecord.self, from: Data($0.utf8)) }
    }

    private func stats(_ name: String) throws -> CrawlStats {
        try JSONDecoder().decode(CrawlStats.self, from: Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    private func logText(_ name: String) -> String {
        (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? ""
    }

    @Test(
        "Unchanged site: every page unchanged (304, revisit records in the WARC), bytes ≤ 5%; then edited and deleted files are exactly the changed and gone pages"
    )
    func unchangedThenEdited() async throws {
        let site = try await DemoSiteServer.startGenerated(pages: 40)
        defer { site.stop() }
        #expect(
            try await run(site, ["--output", path("p1.jsonl"), "--stats", path("s1.json")], log: "run1.log") == 0, "\(logText("run1.log"))")
        let first = try records("p1.jsonl")
        #expect(first.count > 30)
        #expect(first.allSatisfy { $0.change == .new })

        #expect(
            try await run(
                site, ["--recrawl-all", "--output", path("p2.jsonl"), "--stats", path("s2.json"), "--warc", path("r2.warc.gz")],
                log: "run2.log") == 0, "\(logText("run2.log"))")
        let second = try records("p2.jsonl")
        #expect(Set(second.map(\.url)) == Set(first.map(\.url)), "the recrawl reaches every page through the stored links")
        #expect(second.allSatisfy { $0.change == .unchanged }, "\(second.filter { $0.change != .unchanged })")
        #expect(second.allSatisfy { $0.status == 304 || $0.status == 404 }, "nginx answers 304 to the conditional requests")
        let (firstStats, secondStats) = (try stats("s1.json"), try stats("s2.json"))
        #expect(secondStats.changes == ["unchanged": second.count])
        #expect(secondStats.bytes * 20 <= firstStats.bytes, "bytes received: \(secondStats.bytes) of \(firstStats.bytes)")
        // Stored links a recrawl leaves out as seen (OfferedLinks) are duplicates only: refusals count as on the first run.
        #expect(firstStats.offScope > 0)
        #expect(secondStats.offScope == firstStats.offScope && secondStats.robotsDenied == firstStats.robotsDenied)

        // The WARC: warcio reads it; each 304 is a revisit record naming the first capture.
        let venv = WARCCrawlTests.venv
        if FileManager.default.isExecutableFile(atPath: venv + "/warcio") {
            let warc = path("r2-00000.warc.gz")
            let check = try await ChildProcess.output(of: venv + "/warcio", ["check", warc])
            #expect(check.status == 0, "\(check.text)")
            let read = try await ChildProcess.output(of: venv + "/python", [WARCCrawlTests.reader, warc])
            let revisits = read.text.split(separator: "\n").compactMap {
                try? JSONDecoder().decode(ArchivedRecord.self, from: Data($0.utf8))
            }
            .filter { $0.type == "revisit" && $0.status == "304" }
            #expect(revisits.count == second.filter { $0.status == 304 }.count)
            #expect(revisits.allSatisfy { $0.refers != nil })
        } else {
            Issue.record("warcio is missing: run scripts/install-deps.sh")
        }

        // Edit two pages, delete two files that link nowhere (so every other page stays reachable).
        let served = first.filter { $0.status == 200 && $0.redirects == nil }.map(\.url).sorted()
        let edited = Array(served.filter { $0.contains("/section-") && $0.hasSuffix(".html") }.prefix(2))
        let deleted = Array(served.filter { $0.hasSuffix(".pdf") || $0.hasSuffix(".png") }.prefix(2))
        try #require(edited.count == 2 && deleted.count == 2)
        func file(_ url: String) -> String { site.siteDirectory + String(url.dropFirst(site.baseURL.count)) }
        for url in edited {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file(url)))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("<!-- edited -->\n".utf8))
            try handle.close()
        }
        for url in deleted { try FileManager.default.removeItem(atPath: file(url)) }

        #expect(
            try await run(site, ["--recrawl-all", "--output", path("p3.jsonl"), "--stats", path("s3.json")], log: "run3.log") == 0,
            "\(logText("run3.log"))")
        let third = try records("p3.jsonl")
        #expect(Set(third.filter { $0.change == .changed }.map(\.url)) == Set(edited))
        #expect(Set(third.filter { $0.change == .gone }.map(\.url)) == Set(deleted))
        #expect(third.filter { $0.change != .changed && $0.change != .gone }.allSatisfy { $0.change == .unchanged })
        let thirdStats = try stats("s3.json")
        #expect(thirdStats.changes["changed"] == 2 && thirdStats.changes["gone"] == 2)
    }

    @Test("Pages not due are not fetched (their stored links are followed); --recrawl needs --state")
    func notDue() async throws {
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        #expect(try await run(site, ["--output", path("p1.jsonl")], log: "run1.log") == 0, "\(logText("run1.log"))")
        let first = try records("p1.jsonl")
        #expect(
            try await run(site, ["--output", path("p2.jsonl"), "--stats", path("s2.json")], log: "run2.log") == 0, "\(logText("run2.log"))")
        #expect(try records("p2.jsonl").isEmpty, "nothing is due an hour after the first visit")
        let secondStats = try stats("s2.json")
        #expect(secondStats.revisitsNotDue == first.count)
        #expect(secondStats.pages == 0)

        let usage = try CrawlCommandProcess([site.baseURL + "/", "--recrawl", "--quiet"], logPath: path("usage.log"))
        #expect(await usage.waitForExit() == 64)
        #expect(logText("usage.log").contains("--recrawl needs --state"))
    }

    @Test("A recrawl killed midway resumes: the runs together log every page once, all unchanged")
    func resumeMidRecrawl() async throws {
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        #expect(try await run(site, ["--output", path("p1.jsonl")], log: "run1.log") == 0, "\(logText("run1.log"))")
        let first = try records("p1.jsonl")
        // Slow (one request at a time, 100 ms apart), so it is killed midway.
        let slow = ["--recrawl-all", "--output", path("p2.jsonl"), "--per-host", "1", "--delay", "0.1"]
        let killed = try CrawlCommandProcess(
            [site.baseURL + "/", "--state", path("state"), "--recrawl", "--quiet"] + slow, logPath: path("run2.log"))
        killed.send(SIGKILL, whenLinesIn: path("p2.jsonl"), reach: 15)
        #expect(await killed.waitForExit() == 128 + SIGKILL)
        let partial = try records("p2.jsonl")
        #expect(partial.count < first.count, "killed before the recrawl's end")

        #expect(try await run(site, slow + ["--stats", path("s3.json")], log: "run3.log") == 0, "\(logText("run3.log"))")
        // It went on with the recrawl (a new run would have fetched every page again).
        let resumed = try stats("s3.json")
        #expect(resumed.pages < first.count, "the resumed run fetched \(resumed.pages) of \(first.count) pages")
        #expect(resumed.changes == ["unchanged": resumed.pages])
        let second = try records("p2.jsonl")
        var counts: [String: Int] = [:]
        for record in second { counts[record.url, default: 0] += 1 }
        #expect(counts.filter { $0.value > 1 }.isEmpty, "logged twice: \(counts.filter { $0.value > 1 }.keys.sorted())")
        #expect(Set(counts.keys) == Set(first.map(\.url)))
        #expect(second.allSatisfy { $0.change == .unchanged }, "\(second.filter { $0.change != .unchanged })")
    }

    /// A record as scripts/warc-records.py prints it.
    struct ArchivedRecord: Decodable {
        var type: String
        var status: String?
        var refers: String?
    }
}
