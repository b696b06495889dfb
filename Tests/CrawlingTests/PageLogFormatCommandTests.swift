import AsyncURLSupport
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl --format` and compressed page logs, read back by Python's
/// parsers: a JSON page log is one valid array however the crawl ends.
@Suite("asyncurl-crawl page log formats", .serialized, .timeLimit(.minutes(2)))
struct PageLogFormatCommandTests {
    private let scratch: ScratchDirectory
    private var directory: String { scratch.path }

    init() throws {
        scratch = try ScratchDirectory("asyncurl-pagelog")
    }

    private func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// A site whose seed links to ten quick pages and one that answers only
    /// once `released` is set (at most 60 s), so a crawl can be stopped while it runs.
    private func startSite(released: LockedState<Bool>) async throws -> TestServer {
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in .links((0..<10).map { "/page-\($0)" } + ["/held"]) }
        server.addRoute("/page-") { request in TestResponse(headers: [("Content-Type", "text/plain")], body: Array(request.path.utf8)) }
        server.addHeldRoute("/held", until: released)
        return server
    }

    @Test(
        "A JSON page log stopped by Ctrl-C, by SIGKILL, or on standard output is one array Python's json reads, a page an entry",
        arguments: ["SIGINT", "SIGKILL", "stdout"])
    func interruptedJSON(ending: String) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let released = LockedState(false)
        let server = try await startSite(released: released)
        let pageLog = directory + "/pages.json"
        let log = directory + "/crawl.log"
        let crawl: CrawlCommandProcess
        if ending == "stdout" {
            // Standard output to the page log's file, standard error apart.
            let shell = "exec \"$0\" \"$@\" 2>\"\(log)\" >\"\(pageLog)\""
            crawl = try CrawlCommandProcess(
                running: "/bin/sh",
                [
                    "-c", shell, CrawlCommandProcess.executablePath, server.url("/start"),
                    "--ignore-robots", "--output", "-", "--format", "json", "--quiet"
                ],
                logPath: directory + "/shell.log")
        } else {
            crawl = try CrawlCommandProcess([server.url("/start"), "--ignore-robots", "--output", pageLog, "--quiet"], logPath: log)
        }
        // Sent once the seed and the ten quick pages are written, while /held is
        // in flight: 11 items and the opening bracket's line, plus the closing
        // bracket's line in a file (on standard output it comes at the end).
        let lines = ending == "stdout" ? 11 : 13
        #expect(await Self.waitForLines(in: pageLog, count: lines), "\(text(log))")
        crawl.send(ending == "SIGKILL" ? SIGKILL : SIGINT)
        released.withLock { $0 = true }
        let status = await crawl.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == (ending == "SIGKILL" ? 128 + SIGKILL : 130), "\(text(log))")
        let pages = try #require(try await FeedReader.read(pageLog, format: "json") as? [[String: Any]], "\(text(pageLog))")
        #expect(pages.count >= 11)
        #expect(Set(pages.compactMap { $0["url"] as? String }).count == pages.count)
        #expect(pages.contains { $0["url"] as? String == server.url("/page-9") && $0["status"] as? Int == 200 })
    }

    /// Waits until `file` holds `count` line feeds (at most 60 s); whether it did.
    private static func waitForLines(in file: String, count: Int) async -> Bool {
        for _ in 0..<6000 {
            if let data = FileManager.default.contents(atPath: file), data.reduce(0, { $1 == 0x0A ? $0 + 1 : $0 }) >= count { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("A JSON page log of a crawl killed and resumed with --state is one array holding every page once")
    func resumedJSON() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let released = LockedState(false)
        let server = try await startSite(released: released)
        let pageLog = directory + "/pages.json"
        let arguments = [server.url("/start"), "--ignore-robots", "--state", directory + "/state", "--output", pageLog, "--quiet"]
        let first = try CrawlCommandProcess(arguments, logPath: directory + "/first.log")
        #expect(await Self.waitForLines(in: pageLog, count: 13), "\(text(directory + "/first.log"))")
        first.send(SIGKILL)
        #expect(await first.waitForExit(limit: .seconds(60)) == 128 + SIGKILL)
        released.withLock { $0 = true }
        let second = try CrawlCommandProcess(arguments, logPath: directory + "/second.log")
        let status = await second.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == 0, "\(text(directory + "/second.log"))")
        let pages = try #require(try await FeedReader.read(pageLog, format: "json") as? [[String: Any]], "\(text(pageLog))")
        let urls = pages.compactMap { $0["url"] as? String }
        #expect(urls.count == 12)
        #expect(Set(urls).count == 12)
        #expect(urls.contains(server.url("/held")))
    }

    @Test("-o pages.xml.gz: the format told by the name, gzip-compressed; xml.etree reads a <item> per page with its fields")
    func compressedXML() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let released = LockedState(true)
        let server = try await startSite(released: released)
        let pageLog = directory + "/pages.xml.gz"
        let crawl = try CrawlCommandProcess(
            [server.url("/start"), "--ignore-robots", "--output", pageLog, "--quiet"],
            logPath: directory + "/crawl.log")
        let status = await crawl.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == 0, "\(text(directory + "/crawl.log"))")
        let root = XMLNode(try await FeedReader.read(pageLog, format: "xml"))
        #expect(root.tag == "items")
        #expect(root.children.count == 12)
        let seed = try #require(root.children.first { $0["url"]?.text == server.url("/start") })
        #expect(seed["status"]?.text == "200")
        #expect(seed["links"]?.text == "11")
        #expect(seed["depth"]?.text == "0")
    }

    @Test(
        "--outlinks: each page's line lists its kept links, absolute, without fragments or credentials, once each, in order; without it no line has them"
    )
    func outlinks() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        let tooLong = "/long/" + String(repeating: "x", count: 300)
        server.addRoute("/start") { _ in
            .links([
                "/page-1#top", "page-2", "/page-1", server.url("/page-3"), "http://user:secret@127.0.0.1:1/elsewhere",
                "mailto:x@example.com",
                tooLong
            ])
        }
        server.addRoute("/page-") { _ in .links(["/start"]) }
        let withLinks = directory + "/with.jsonl"
        let without = directory + "/without.jsonl"
        for (pageLog, extra) in [(withLinks, ["--outlinks"]), (without, [])] {
            let crawl = try CrawlCommandProcess(
                [server.url("/start"), "--ignore-robots", "--max-url-length", "200", "--output", pageLog, "--quiet"] + extra,
                logPath: directory + "/crawl.log")
            let status = await crawl.waitForExit(limit: .seconds(60))
            #expect(status == 0, "\(text(directory + "/crawl.log"))")
        }
        try await server.shutdown()
        let pages = try #require(try await FeedReader.read(withLinks, format: "jsonl") as? [[String: Any]])
        let seed = try #require(pages.first { $0["url"] as? String == server.url("/start") })
        #expect(
            seed["outlinks"] as? [String] == [
                server.url("/page-1"), server.url("/page-2"), server.url("/page-3"), "http://127.0.0.1:1/elsewhere"
            ])
        #expect(seed["links_dropped"] as? Int == 1)
        let page = try #require(pages.first { $0["url"] as? String == server.url("/page-2") })
        #expect(page["outlinks"] as? [String] == [server.url("/start")])
        let plain = try #require(try await FeedReader.read(without, format: "jsonl") as? [[String: Any]])
        #expect(plain.count == pages.count)
        #expect(plain.allSatisfy { $0["outlinks"] == nil })
    }

    @Test("--format csv overrides the name; a bad --format is a usage error")
    func explicitFormat() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let released = LockedState(true)
        let server = try await startSite(released: released)
        let pageLog = directory + "/pages.json"
        let crawl = try CrawlCommandProcess(
            [server.url("/start"), "--ignore-robots", "--output", pageLog, "--format", "csv", "--quiet"],
            logPath: directory + "/crawl.log")
        let status = await crawl.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == 0, "\(text(directory + "/crawl.log"))")
        let rows = try #require(try await FeedReader.read(pageLog, format: "csv") as? [[String]])
        #expect(rows.first?.contains("url") == true)
        #expect(rows.count == 13)
        let bad = try await ChildProcess.output(of: CrawlCommandProcess.executablePath, ["http://127.0.0.1:1/", "--format", "yaml"])
        #expect(bad.status >> 8 == 64, "\(bad.text)")
        #expect(bad.text.contains("--format must be jsonl, json, csv or xml"))
    }
}
