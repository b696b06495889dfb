import Crawling
import DistributedFrontier
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Three `asyncurl-crawl` workers share a crawl of a generated site through a
/// password-protected redis-server with AOF on; mid-crawl one worker is
/// SIGKILLed, redis-server is SIGKILLed and restarted, and a new worker joins.
/// (In the serialized distributed suite: its processes do not compete with the other crawls'.)
extension DistributedCrawlTests {
    /// Each worker's concurrency: about the most URLs a killed worker can have written without telling Redis.
    static let chaosConcurrency = 4

    /// Polls (every 20 ms, at most `limit`) until the crawl has done at least `count` URLs or is finished.
    private static func waitForDone(_ count: Int, url: RedisFrontierURL, limit: Duration = .seconds(60)) async -> Int {
        let deadline = ContinuousClock.now + limit
        var done = 0
        while ContinuousClock.now < deadline {
            if let status = try? await RedisCrawlStatus.read(url, connectTimeout: .seconds(1)) {
                done = status.done
                if done >= count || status.isFinished { return done }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return done
    }

    @Test(
        "Worker and Redis killed mid-crawl, a worker joins: the page logs hold the manifest; only the killed worker's last pages twice; a wrong password exits 3"
    )
    func chaos() async throws {
        let binary = try Self.crawlerBinary()
        let redis = try RedisTestServer.start(options: ["--appendonly", "yes", "--appendfsync", "always", "--requirepass", "chaos-pw"])
        defer { redis.stop() }
        let site = try await DemoSiteServer.startGenerated(pages: 120, seed: 7)
        defer { site.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-chaos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let frontier = "redis://:chaos-pw@127.0.0.1:\(redis.port)/chaos"
        let url = try RedisFrontierURL(parsing: frontier)
        let extra = ["--delay", "0.03", "--lease-timeout", "3", "--concurrency", String(Self.chaosConcurrency), "--redis-timeout", "30"]
        var workers: [Worker] = []
        defer {
            for worker in workers where kill(worker.pid, 0) == 0 {
                kill(worker.pid, SIGKILL)
                _ = ChildProcess.waitForExit(worker.pid, timeout: .seconds(5))
            }
        }
        for number in 1...3 {
            workers.append(
                try Self.startWorker(
                    binary, frontier: frontier, directory: directory, number: number,
                    seed: number == 1 ? site.baseURL + "/" : nil, extra: extra))
        }
        let manifest = try site.manifest()

        // A quarter in: SIGKILL worker 2.
        let killedAt = await Self.waitForDone(manifest.count / 4, url: url)
        let victim = workers[1]
        kill(victim.pid, SIGKILL)
        _ = ChildProcess.waitForExit(victim.pid, timeout: .seconds(5))
        // Half-way: SIGKILL redis-server, restart it (it loads its AOF), and a new worker joins.
        let restartedAt = await Self.waitForDone(manifest.count / 2, url: url)
        redis.kill()
        try await Task.sleep(for: .milliseconds(500))
        try redis.restart()
        workers.append(try Self.startWorker(binary, frontier: frontier, directory: directory, number: 4, seed: nil, extra: extra))

        // A worker with the wrong password exits 3 with a clear message.
        let wrongLog = directory.appendingPathComponent("wrong.err").path
        let wrong = try ChildProcess.spawn(
            binary, ["--frontier", "redis://:not-it@127.0.0.1:\(redis.port)/chaos", "--quiet", site.baseURL + "/"],
            standardError: wrongLog)
        let wrongStatus = try #require(await ChildProcess.exitStatus(of: wrong, within: .seconds(30)))
        #expect(wrongStatus >> 8 & 0xFF == 3, "exit status \(wrongStatus)")
        let message = (try? String(contentsOfFile: wrongLog, encoding: .utf8)) ?? ""
        #expect(message.contains("authentication failed"), "\(message)")
        #expect(!message.contains("not-it"))

        let survivors = workers.filter { $0.pid != victim.pid }
        await Self.waitForAll(survivors)
        let records = workers.flatMap { Self.records($0.log) }
        #expect(
            Self.fetchedPaths(records, base: site.baseURL) == manifest,
            "killed at \(killedAt) done, Redis restarted at \(restartedAt) done")
        let requested = records.map(\.url)
        let duplicates = requested.count - Set(requested).count
        // Only the killed worker's last pages can be written twice: done in Redis
        // and written, but killed before it said so, they are queued again.
        #expect(duplicates <= Self.chaosConcurrency, "\(duplicates) duplicates")
        let survivorURLs = survivors.flatMap { Self.records($0.log) }.map(\.url)
        #expect(Set(survivorURLs).count == survivorURLs.count, "the survivors wrote each URL once (fencing)")
        let status = try await RedisCrawlStatus.read(url)
        #expect(status.isFinished)
        #expect(status.done == Set(requested).count)
    }
}

extension DistributedCrawlTests {
    @Test("The password can come from ASYNCURL_REDIS_PASSWORD (out of the command line); it is never printed")
    func passwordFromEnvironment() async throws {
        let binary = try Self.crawlerBinary()
        let redis = try RedisTestServer.start(options: ["--requirepass", "env-pw-123"])
        defer { redis.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-envpw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["--frontier", "redis://127.0.0.1:\(redis.port)/envcrawl", "--status"]
        /// `--status` with the password in the environment: its exit code and what it printed.
        func status(password: String) async throws -> (exit: Int32?, printed: String) {
            let output = directory.appendingPathComponent("status-\(password).txt").path
            let pid = try ChildProcess.spawn(
                binary, arguments, standardOutput: output, standardError: output,
                environment: [RedisCredentials.passwordVariable: password])
            let exit = await ChildProcess.exitStatus(of: pid, within: .seconds(30)).map { $0 >> 8 & 0xFF }
            return (exit, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
        }
        let right = try await status(password: "env-pw-123")
        #expect(right.exit == 0)
        #expect(right.printed.contains("not seeded"), "\(right.printed)")
        #expect(!right.printed.contains("env-pw-123"))
        let wrong = try await status(password: "nope")
        #expect(wrong.exit == 3)
        #expect(wrong.printed.contains("authentication failed"), "\(wrong.printed)")
        #expect(!wrong.printed.contains("nope"))
    }
}
