import Crawling
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl --seeds-file`: the list is read a batch at a time, so its
/// length costs no memory, and a pipe works as well as a file.
@Suite("asyncurl-crawl --seeds-file: long lists and pipes")
struct SeedListCommandTests {
    private static func crawl(seeds count: Int, server: TestServer, in prefix: String) async throws -> (peak: Int, log: String) {
        let seedsPath = prefix + ".seeds"
        // One page robots.txt allows, then `count` it denies.
        let text = ([server.url("/ok")] + (0..<count).map { server.url("/p/\($0)?q=\($0)") }).joined(separator: "\n")
        try text.write(toFile: seedsPath, atomically: false, encoding: .utf8)
        let process = try CrawlCommandProcess(
            [
                "--seeds-file", seedsPath, "--max-depth", "0", "--max-queued", "1000", "--output", prefix + ".jsonl", "--stats",
                prefix + ".stats"
            ],
            logPath: prefix + ".log")
        let code = await process.waitForExit(limit: .seconds(300))
        let log = (try? String(contentsOfFile: prefix + ".log", encoding: .utf8)) ?? ""
        #expect(code == 0, "\(log)")
        return (try #require(process.peakResidentBytes(reportedIn: prefix + ".stats")), log)
    }

    @Test("A list of 200,000 seeds (robots.txt denies them all) peaks within 48 MB of a list of 2,000; every seed is counted")
    func longListInBoundedMemory() async throws {
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(text: "User-agent: *\nDisallow: /p/\n") }
        server.addRoute("/ok") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html></html>".utf8)) }
        let scratch = try ScratchDirectory("seed-list")
        let small = try await Self.crawl(seeds: 2000, server: server, in: scratch.path + "/small")
        let large = try await Self.crawl(seeds: 200_000, server: server, in: scratch.path + "/large")
        try await server.shutdown()
        #expect(small.log.contains("robots denied:  2000"), "\(small.log)")
        #expect(large.log.contains("robots denied:  200000"), "\(large.log)")
        print("seed list peaks: \(small.peak >> 20) MB, \(large.peak >> 20) MB")
        #expect(large.peak - small.peak < 48 << 20, "peak RSS \(large.peak >> 20) MB vs \(small.peak >> 20) MB")
    }

    @Test("Each distinct seed host costs at most 2 KB: 10,000 hosts (127.1.x.y, a refused port) peak within 18 MB of 1,000")
    func manyHostsPerHostCost() async throws {
        let refusing = try RefusingPort()
        let scratch = try ScratchDirectory("seed-hosts")
        func peak(hosts count: Int) async throws -> (peak: Int, log: String) {
            let prefix = scratch.path + "/hosts-\(count)"
            let seeds = (0..<count).map { "http://127.1.\($0 >> 8).\($0 & 255):\(refusing.port)/p" }
            try seeds.joined(separator: "\n").write(toFile: prefix + ".seeds", atomically: false, encoding: .utf8)
            let process = try CrawlCommandProcess(
                [
                    "--seeds-file", prefix + ".seeds", "--max-depth", "0", "--ignore-robots", "--output", prefix + ".jsonl",
                    "--stats", prefix + ".stats"
                ], logPath: prefix + ".log")
            let code = await process.waitForExit(limit: .seconds(300))
            let log = (try? String(contentsOfFile: prefix + ".log", encoding: .utf8)) ?? ""
            // Exit 1: the crawl ended without a page (every host refused).
            #expect(code == 1, "\(log)")
            return (try #require(process.peakResidentBytes(reportedIn: prefix + ".stats")), log)
        }
        let small = try await peak(hosts: 1000)
        let large = try await peak(hosts: 10_000)
        // Every seed was tried (and refused): none skipped to save memory.
        #expect(large.log.contains("connectionFailed: 10000"), "\(large.log)")
        print("seed host peaks: \(small.peak >> 20) MB, \(large.peak >> 20) MB")
        #expect(large.peak - small.peak < 18 << 20, "peak RSS \(large.peak >> 20) MB vs \(small.peak >> 20) MB")
    }

    @Test("A seeds file that is a pipe (a FIFO) is read twice like a file: every seed fetched once")
    func seedsFromPipe() async throws {
        let server = try await TestServer.start()
        server.addRoute("/robots.txt") { _ in TestResponse(status: 404, text: "") }
        server.addRoute("/p/") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: Array("<html></html>".utf8)) }
        let scratch = try ScratchDirectory("seed-pipe")
        let fifo = scratch.path + "/seeds.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let urls = (0..<30).map { server.url("/p/\($0)") }
        let process = try CrawlCommandProcess(
            ["--seeds-file", fifo, "--max-depth", "0", "--output", scratch.path + "/pages.jsonl", "--quiet"], logPath: scratch.path + "/log"
        )
        // Opening a FIFO for writing waits for its reader: the crawler.
        let writer = Task.detached {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            handle.write(Data((urls.joined(separator: "\n") + "\n").utf8))
            try? handle.close()
        }
        let code = await process.waitForExit(limit: .seconds(60))
        await writer.value
        try await server.shutdown()
        #expect(code == 0, "\((try? String(contentsOfFile: scratch.path + "/log", encoding: .utf8)) ?? "")")
        let paths = server.recordedRequests.map(\.path).filter { $0.hasPrefix("/p/") }
        #expect(paths.sorted() == urls.map { String($0.dropFirst(server.url("").count - 1)) }.sorted())
    }
}
