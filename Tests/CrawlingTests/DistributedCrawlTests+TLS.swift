import Crawling
import DistributedFrontier
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two `asyncurl-crawl` workers crawl the demo site through a redis-server
/// that speaks TLS only, its certificate from a CA made for the test; a
/// worker that does not trust that CA exits 3 with a clear message.
extension DistributedCrawlTests {
    /// A child's wait status once it exits, polled without holding a thread
    /// of the cooperative pool; `nil` (and the child killed) after `limit`.
    static func exitStatus(of pid: pid_t, limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let status = ChildProcess.waitForExit(pid, timeout: .zero) { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("process \(pid) did not finish")
        kill(pid, SIGKILL)
        _ = ChildProcess.waitForExit(pid, timeout: .seconds(5))
        return nil
    }

    @Test("rediss://: two workers crawl the manifest through TLS with --redis-ca / $ASYNCURL_REDIS_CA; an untrusted CA exits 3")
    func tlsCrawl() async throws {
        let binary = try Self.crawlerBinary()
        let certificates = try await TestCertificates.makeAuthority()
        defer { certificates.remove() }
        let issued = try await certificates.issueServer("redis", alternativeNames: ["IP:127.0.0.1"])
        let redis = try RedisTestServer.start(options: ["--requirepass", "tls-pw"], tls: (certificates, issued))
        defer { redis.stop() }
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let frontier = "rediss://:tls-pw@127.0.0.1:\(redis.port)/tls"

        // An untrusted CA (the system's store knows nothing of the test CA): exit 3, the cause named.
        let refusedLog = directory.appendingPathComponent("refused.err").path
        let refused = try ChildProcess.spawn(binary, ["--frontier", frontier, "--quiet", site.baseURL + "/"], standardError: refusedLog)
        let refusedStatus = try #require(await Self.exitStatus(of: refused, limit: .seconds(60)))
        #expect(refusedStatus >> 8 & 0xFF == 3, "exit status \(refusedStatus)")
        let message = (try? String(contentsOfFile: refusedLog, encoding: .utf8)) ?? ""
        #expect(message.contains("certificate is not trusted"), "\(message)")
        #expect(!message.contains("tls-pw"))

        // The CA by flag for one worker, by environment variable for the other.
        var workers = [
            try Self.startWorker(
                binary, frontier: frontier, directory: directory, number: 1, seed: site.baseURL + "/",
                extra: ["--redis-ca", certificates.caFile])
        ]
        let log = directory.appendingPathComponent("worker-2.jsonl").path
        let arguments = ["--frontier", frontier, "--quiet", "--log-level", "error", "--per-host", "4", "--output", log, "--seed-wait", "60"]
        let pid = try ChildProcess.spawn(
            binary, arguments, standardError: directory.appendingPathComponent("worker-2.err").path,
            environment: [RedisTLS.caFileVariable: certificates.caFile])
        workers.append(Worker(pid: pid, log: log))
        // The worker with the CA from the environment got through (a refused one exits 3).
        let statuses = [
            await Self.exitStatus(of: workers[0].pid, limit: .seconds(120)), await Self.exitStatus(of: pid, limit: .seconds(120))
        ]
        #expect(statuses == [0, 0], "exit statuses \(statuses)")
        let records = workers.flatMap { Self.records($0.log) }
        #expect(Self.fetchedPaths(records, base: site.baseURL) == (try site.manifest()))
        let url = try RedisFrontierURL(parsing: frontier, tls: RedisTLS(caFile: certificates.caFile))
        let status = try await RedisCrawlStatus.read(url)
        #expect(status.isFinished)
        #expect(status.done == records.count)
    }
}
