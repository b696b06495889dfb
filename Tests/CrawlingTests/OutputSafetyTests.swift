import Crawling
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What `asyncurl-crawl` writes cannot be turned against its user: hostile
/// header values in a CSV page log, a closed output pipe, log levels and
/// control characters, credentials in seeds, two processes on one state
/// directory. Each test runs the command as a child process.
@Suite("Output and safety of asyncurl-crawl", .serialized, .timeLimit(.minutes(2)))
struct OutputSafetyTests {
    private let scratch: ScratchDirectory
    private var directory: String { scratch.path }

    init() throws {
        scratch = try ScratchDirectory("asyncurl-output")
    }

    private func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// The permission bits of `path` (`nil` when it is missing).
    private func mode(_ path: String) -> Int? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Int(status.st_mode) & 0o777
    }

    /// The rows of a CSV file as Python's `csv` module reads them.
    private func pythonCSVRows(_ path: String) async throws -> [[String]] {
        let output = directory + "/rows-\(UUID().uuidString).json"
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as source:
                rows = list(csv.reader(source))
            with open(sys.argv[2], 'w', encoding='utf-8') as target:
                json.dump(rows, target)
            """
        let python = try await ChildProcess.output(of: "/usr/bin/env", ["python3", "-c", script, path, output], timeout: .seconds(60))
        try #require(python.status == 0, "\(python.text)")
        return try JSONDecoder().decode([[String]].self, from: Data(contentsOf: URL(fileURLWithPath: output)))
    }

    // MARK: CSV

    @Test(
        "CSV page log: hostile Content-Type values keep every row at the header's width for Python's csv reader; formulas are neutralised; every column is there"
    )
    func hostileCSV() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        // Served as they are; what the page log must hold for each.
        let hostile: [(served: String, logged: String)] = [
            ("text/html,\u{301}=1+1", "text/html,\u{301}=1+1"),
            ("=HYPERLINK(\"http://127.0.0.1/x\",\"click\")", "'=HYPERLINK(\"http://127.0.0.1/x\",\"click\")"),
            ("+SUM(1,2)", "'+SUM(1,2)"),
            ("-2+3,x", "'-2+3,x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("text/plain\"\u{301},x", "text/plain\"\u{301},x"),
            ("text/plain; x=\u{1B}[31mred", "text/plain; x=[31mred")
        ]
        for (index, value) in hostile.enumerated() {
            server.addRoute("/hostile/\(index)") { _ in TestResponse(headers: [("Content-Type", value.served)], body: Array("x".utf8)) }
        }
        // A redirect, a failure and links give the redirects, error and referrer columns values on some rows only.
        server.addRoute("/start") { _ in .links(hostile.indices.map { "/hostile/\($0)" } + ["/redirect-to?url=/hostile/0", "/bytes/5000"]) }
        let csvPath = directory + "/pages.csv"
        let crawl = try CrawlCommandProcess(
            [
                server.url("/start"), "--output", csvPath, "--format", "csv", "--ignore-robots",
                "--max-body", "1000", "--quiet"
            ], logPath: directory + "/output.txt")
        let status = await crawl.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == 0, "\(text(directory + "/output.txt"))")

        let rows = try await pythonCSVRows(csvPath)
        let header = try #require(rows.first)
        #expect(
            header == [
                "bytes", "change", "content_type", "depth", "elapsed_ms", "error", "final_url", "links", "links_dropped", "outlinks",
                "redirects",
                "referrer", "rendered", "status", "url"
            ])
        #expect(rows.count == 1 + 1 + hostile.count + 2, "\(rows)")
        for row in rows {
            #expect(row.count == header.count, "\(row)")
        }
        let column = { (name: String) in header.firstIndex(of: name) ?? 0 }
        func row(_ path: String) -> [String]? { rows.first { $0[column("url")] == server.url(path) } }
        for (index, value) in hostile.enumerated() {
            #expect(row("/hostile/\(index)")?[column("content_type")] == value.logged, "\(value.served)")
        }
        #expect(row("/start")?[column("referrer")] == "", "the seed has no referrer, but its column is there")
        #expect(row("/hostile/0")?[column("referrer")] == server.url("/start"))
        #expect(row("/bytes/5000")?[column("error")].hasPrefix("bodyTooLarge") == true)
        let redirected = rows.first { $0[column("url")].contains("/redirect-to") }
        #expect(redirected?[column("redirects")].contains("/redirect-to") == true, "\(rows)")
        #expect(!text(csvPath).contains("\u{1B}"), "no escape character reaches the file")
    }

    // MARK: SIGPIPE

    @Test("`--output - | head -c 10`: the crawl stops with a message and exit status 4, not death by SIGPIPE")
    func closedOutputPipe() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let pages = 100
        server.addRoute("/start") { _ in .links((1...pages).map { "/ok/\($0)" }) }
        let logPath = directory + "/output.txt"
        // One request at a time, 20 ms apart: head has long gone when the later lines are written.
        let script = #""$0" "$@" | head -c 10 > /dev/null; echo "crawler exit status ${PIPESTATUS[0]}""#
        let pipeline = try CrawlCommandProcess(
            running: "/bin/bash",
            [
                "-c", script, CrawlCommandProcess.executablePath, server.url("/start"),
                "--output", "-", "--ignore-robots", "--per-host", "1", "--delay", "0.02"
            ],
            logPath: logPath)
        let waitStatus = await pipeline.waitForExit(limit: .seconds(90))
        let fetched = server.requests(under: "/ok/").count
        try await server.shutdown()
        let output = text(logPath)
        #expect(waitStatus == 0, "bash ended: \(output)")
        #expect(output.contains("crawler exit status 4"), "\(output)")
        #expect(output.contains("stopped: cannot write standard output: Broken pipe"), "\(output)")
        #expect(fetched < pages, "the crawl stopped early (\(fetched) pages fetched)")
    }

    @Test("A full disk (/dev/full) stops a resumable crawl with exit 4; the page it could not log is not done, so the next run logs it")
    func fullDiskLosesNothing() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/start") { _ in .links(["/ok/1", "/ok/2"]) }
        let state = ["--state", directory + "/state", "--ignore-robots"]
        let full = try CrawlCommandProcess([server.url("/start"), "--output", "/dev/full"] + state, logPath: directory + "/full.txt")
        let fullStatus = await full.waitForExit(limit: .seconds(60))
        #expect(fullStatus == 4, "\(text(directory + "/full.txt"))")
        #expect(
            text(directory + "/full.txt").contains("stopped: cannot write /dev/full: No space left on device"),
            "\(text(directory + "/full.txt"))")
        let pageLog = directory + "/pages.jsonl"
        let resumed = try CrawlCommandProcess([server.url("/start"), "--output", pageLog] + state, logPath: directory + "/resumed.txt")
        let resumedStatus = await resumed.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(resumedStatus == 0, "\(text(directory + "/resumed.txt"))")
        let logged = Set(try LoggedCrawl.readRecords(atPath: pageLog).map(\.url))
        #expect(logged == Set(["/start", "/ok/1", "/ok/2"].map(server.url)), "every page is logged by one run or the other")
    }

    // MARK: Logging

    @Test("--log-level error keeps info lines out; --log-level info lets them through")
    func logLevel() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/start") { _ in .links(["/ok/1", "/ok/2"]) }
        let state = directory + "/state"
        func run(_ name: String, _ extra: [String]) async -> (Int32?, String) {
            let log = directory + "/\(name).txt"
            guard
                let crawl = try? CrawlCommandProcess(
                    [server.url("/start"), "--state", state, "--ignore-robots", "--output", directory + "/pages.jsonl"] + extra,
                    logPath: log)
            else { return (nil, "cannot start") }
            return (await crawl.waitForExit(limit: .seconds(60)), text(log))
        }
        let first = await run("first", ["--quiet"])
        #expect(first.0 == 0, "\(first.1)")
        // Run again on the same state: "resuming a crawl" is logged at info.
        let quiet = await run("error-level", ["--log-level", "error"])
        let chatty = await run("info-level", ["--log-level", "info"])
        try await server.shutdown()
        #expect(quiet.0 == 1 && chatty.0 == 1, "nothing left to fetch: \(quiet) \(chatty)")
        #expect(!quiet.1.contains("resuming a crawl"), "\(quiet.1)")
        #expect(!quiet.1.contains(" info "), "\(quiet.1)")
        #expect(chatty.1.contains("info AsyncURL.Crawler: resuming a crawl"), "\(chatty.1)")
    }

    @Test("A server's error text reaches standard error without its escape sequences (a fake Redis answering every command with ESC codes)")
    func serverTextOnStandardError() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ready = directory + "/port"
        // Answers every command with an error reply holding escape sequences:
        // OSC and CSI with ESC (which the Redis error's own rendering escapes
        // as text) and the one-byte C1 CSI, U+009B (which only the clean-up removes).
        let script = """
            import os, socket, sys
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(('127.0.0.1', 0))
            listener.listen(4)
            listener.settimeout(60)
            with open(sys.argv[1] + '.tmp', 'w') as announcement:
                announcement.write(str(listener.getsockname()[1]))
            os.rename(sys.argv[1] + '.tmp', sys.argv[1])
            for _ in range(4):
                connection, _ = listener.accept()
                connection.settimeout(10)
                try:
                    while connection.recv(65536):
                        connection.sendall(b'-ERR \\x1b]0;pwned\\x07\\x1b[2Jevil\\xc2\\x9b31m reply\\r\\n')
                except OSError:
                    pass
                connection.close()
            """
        // Killed when the test ends (CrawlCommandProcess never leaves a child running).
        let server = try CrawlCommandProcess(running: "/usr/bin/env", ["python3", "-c", script, ready], logPath: directory + "/server.txt")
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: ready), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        // Bound by the server itself (port 0): no other test can take it meanwhile.
        let port = try #require(Int(text(ready)))
        let log = directory + "/status.txt"
        let crawl = try CrawlCommandProcess(["--frontier", "redis://127.0.0.1:\(port)/hostile", "--status"], logPath: log)
        let status = await crawl.waitForExit(limit: .seconds(60))
        server.send(SIGKILL)
        _ = await server.waitForExit(limit: .seconds(10))
        let output = try Data(contentsOf: URL(fileURLWithPath: log))
        #expect(status == 3, "\(String(decoding: output, as: UTF8.self))")
        #expect(
            String(decoding: output, as: UTF8.self).contains("evil"), "the message is shown: \(String(decoding: output, as: UTF8.self))")
        #expect(!output.contains(0x1B) && !output.contains(0x07), "\(String(decoding: output, as: UTF8.self).debugDescription)")
        #expect(!String(decoding: output, as: UTF8.self).unicodeScalars.contains("\u{9B}"))
        print("asyncurl-crawl --status against a hostile server printed: \(String(decoding: output, as: UTF8.self).debugDescription)")
    }

    // MARK: Credentials

    @Test("A seed's password is sent with its requests but never written: page log, state database, feed and state modes 0600/0700")
    func credentials() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        server.addRoute("/start") { _ in .links(["/ok/1", "/ok/2", "/redirect-to?url=/ok/3"]) }
        let secret = "s3cret-Pa55"
        let seed = "http://crawler:\(secret)@127.0.0.1:\(server.port)/start"
        let state = directory + "/state"
        let pageLog = directory + "/pages.jsonl"
        let crawl = try CrawlCommandProcess(
            [seed, "--state", state, "--ignore-robots", "--output", pageLog, "--stats", directory + "/stats.json"],
            logPath: directory + "/output.txt")
        let status = await crawl.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == 0, "\(text(directory + "/output.txt"))")

        // The requests carry the credentials (links found on the page inherit them).
        let expected = "Basic " + Data("crawler:\(secret)".utf8).base64EncodedString()
        for path in ["/start", "/ok/1", "/ok/2"] {
            #expect(server.recordedRequests.first { $0.path == path }?.header("Authorization") == expected, "\(path)")
        }
        // Nothing written holds them.
        let records = try LoggedCrawl.readRecords(atPath: pageLog)
        #expect(records.count == 4, "\(records)")
        #expect(records.contains { $0.url == server.url("/start") })
        let files =
            [pageLog, directory + "/output.txt", directory + "/stats.json"]
            + (try FileManager.default.contentsOfDirectory(atPath: state)).map { state + "/" + $0 }
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the password")
        }
        #expect(mode(state) == 0o700)
        #expect(mode(pageLog) == 0o600)
        #expect(mode(directory + "/stats.json") == 0o600)
        #expect(mode(state + "/frontier.sqlite") == 0o600)
        #expect(mode(state + "/lock") == 0o600)
        if FileManager.default.fileExists(atPath: state + "/frontier.sqlite-wal") {
            #expect(mode(state + "/frontier.sqlite-wal") == 0o600)
        }
    }

    @Test("Killed and resumed: the queued URLs, stored without the password, get the seed's credentials back")
    func credentialsAfterResume() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let pages = 40
        server.addRoute("/start") { _ in .links((1...pages).map { "/ok/\($0)" }) }
        let secret = "s3cret-Pa55"
        // 50 ms between requests: 15 pages take 0.75 s, past the first checkpoint (every 0.5 s).
        let arguments = [
            "http://crawler:\(secret)@127.0.0.1:\(server.port)/start", "--state", directory + "/state", "--ignore-robots",
            "--output", directory + "/pages.jsonl", "--per-host", "1", "--delay", "0.05", "--quiet"
        ]
        let first = try CrawlCommandProcess(arguments, logPath: directory + "/first.txt")
        first.send(SIGKILL, whenLinesIn: directory + "/pages.jsonl", reach: 15)
        #expect(await first.waitForExit(limit: .seconds(60)) == 128 + SIGKILL)
        let fetchedBefore = server.requests(under: "/ok/").count
        let second = try CrawlCommandProcess(arguments, logPath: directory + "/second.txt")
        let status = await second.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == 0, "\(text(directory + "/second.txt"))")
        #expect(fetchedBefore < pages, "the first run was killed midway")
        #expect(server.recordedRequests.filter { $0.path == "/start" }.count == 1, "the second run resumed: the seed was done")
        let expected = "Basic " + Data("crawler:\(secret)".utf8).base64EncodedString()
        let requests = server.requests(under: "/ok/")
        #expect(Set(requests.map(\.path)).count == pages)
        #expect(
            requests.allSatisfy { $0.header("Authorization") == expected },
            "\(requests.map { "\($0.path) \($0.header("Authorization") ?? "-")" })")
        let pageLog = try Data(contentsOf: URL(fileURLWithPath: directory + "/pages.jsonl"))
        #expect(pageLog.range(of: Data(secret.utf8)) == nil)
    }

    // MARK: State directory lock

    @Test("A second process on a --state directory in use exits at once with status 3 and says why")
    func stateDirectoryLocked() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer.start()
        let state = directory + "/state"
        let first = try CrawlCommandProcess(
            [
                server.url("/hang"), "--state", state, "--ignore-robots", "--timeout", "600",
                "--output", directory + "/first.jsonl", "--quiet"
            ], logPath: directory + "/first.txt")
        // The first holds the directory once its request is in flight.
        let deadline = ContinuousClock.now + .seconds(60)
        while !server.recordedRequests.contains(where: { $0.path == "/hang" }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let second = try CrawlCommandProcess(
            [
                server.url("/hang"), "--state", state, "--ignore-robots", "--timeout", "600",
                "--output", directory + "/second.jsonl", "--quiet"
            ], logPath: directory + "/second.txt")
        let secondStatus = await second.waitForExit(limit: .seconds(60))
        first.send(SIGKILL)
        _ = await first.waitForExit(limit: .seconds(30))
        try await server.shutdown()
        #expect(secondStatus == 3, "\(text(directory + "/second.txt"))")
        #expect(
            text(directory + "/second.txt").contains(
                "cannot use the state directory \(state): in use by another process (pid \(first.pid))"),
            "\(text(directory + "/second.txt"))")
        #expect(server.recordedRequests.filter { $0.path == "/hang" }.count == 1, "the second process fetched nothing")
    }
}
