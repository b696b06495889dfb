import Crawling
import DistributedFrontier
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several `asyncurl-crawl` processes (the built binary) crawl the demo site
/// through one frontier in a real redis-server on loopback.
@Suite("Distributed crawls of the demo site", .serialized)
struct DistributedCrawlTests {
    /// `asyncurl-crawl`, next to the test bundle in the build directory.
    static func crawlerBinary() throws -> String {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        candidates.append(DemoSiteServer.repositoryRoot.appendingPathComponent(".build/debug"))
        for directory in candidates {
            let path = directory.appendingPathComponent("asyncurl-crawl").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw SiteServerError(message: "asyncurl-crawl is not built (swift build --build-tests builds it)")
    }

    struct Worker {
        let pid: pid_t
        let log: String
    }

    /// Starts one worker of crawl `frontier`; only the first gets the seed.
    static func startWorker(_ binary: String, frontier: String, directory: URL, number: Int, seed: String?, extra: [String]) throws
        -> Worker
    {
        let log = directory.appendingPathComponent("worker-\(number).jsonl").path
        var arguments =
            ["--frontier", frontier, "--quiet", "--log-level", "error", "--per-host", "4", "--output", log, "--seed-wait", "60"] + extra
        if let seed { arguments.append(seed) }
        let pid = try ChildProcess.spawn(binary, arguments, standardError: directory.appendingPathComponent("worker-\(number).err").path)
        return Worker(pid: pid, log: log)
    }

    /// The page records of a log; lines cut short by a SIGKILL are skipped.
    static func records(_ path: String) -> [PageRecord] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(PageRecord.self, from: Data($0.utf8)) }
    }

    /// Every URL path fetched: requested URLs, redirect hops and final URLs.
    static func fetchedPaths(_ records: [PageRecord], base: String) -> Set<String> {
        var paths: Set<String> = []
        for record in records {
            for url in [record.url, record.finalURL].compactMap({ $0 }) + (record.redirects ?? []) where url.hasPrefix(base) {
                paths.insert(String(url.dropFirst(base.count)))
            }
        }
        return paths
    }

    /// Waits for every worker to exit (60 s at most each; one still running is killed and reported).
    static func waitForAll(_ workers: [Worker]) async {
        for worker in workers where await ChildProcess.exitStatus(of: worker.pid, within: .seconds(60)) == nil {
            Issue.record("worker \(worker.pid) did not finish")
            kill(worker.pid, SIGKILL)
            _ = ChildProcess.waitForExit(worker.pid, timeout: .seconds(5))
        }
    }

    /// A redis-server, the demo site, and three workers of one crawl (the first seeds it).
    private struct Cluster {
        let redis: RedisTestServer
        let site: DemoSiteServer
        let directory: URL
        let url: RedisFrontierURL
        let workers: [Worker]

        static func start(name: String, extra: [String]) async throws -> Cluster {
            let binary = try DistributedCrawlTests.crawlerBinary()
            let redis = try RedisTestServer.start()
            let site: DemoSiteServer
            do {
                site = try await DemoSiteServer.start()
            } catch {
                redis.stop()
                throw error
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-distributed-\(UUID().uuidString)")
            var workers: [Worker] = []
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let url = try redis.frontierURL(name: name)
                for number in 1...3 {
                    workers.append(
                        try DistributedCrawlTests.startWorker(
                            binary, frontier: url.description, directory: directory, number: number,
                            seed: number == 1 ? site.baseURL + "/" : nil, extra: extra))
                }
                return Cluster(redis: redis, site: site, directory: directory, url: url, workers: workers)
            } catch {
                Cluster(
                    redis: redis, site: site, directory: directory, url: try RedisFrontierURL(host: "127.0.0.1", name: name),
                    workers: workers
                ).stop()
                throw error
            }
        }

        /// Kills any worker still running, stops the servers, removes the logs.
        func stop() {
            for worker in workers where kill(worker.pid, 0) == 0 {
                kill(worker.pid, SIGKILL)
                _ = ChildProcess.waitForExit(worker.pid, timeout: .seconds(5))
            }
            site.stop()
            redis.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test("Three workers crawl exactly the manifest, no URL fetched twice")
    func threeWorkers() async throws {
        let cluster = try await Cluster.start(name: "demo", extra: [])
        defer { cluster.stop() }
        await Self.waitForAll(cluster.workers)
        let records = cluster.workers.flatMap { Self.records($0.log) }
        #expect(Self.fetchedPaths(records, base: cluster.site.baseURL) == (try cluster.site.manifest()))
        let requested = records.map(\.url)
        #expect(Set(requested).count == requested.count)
        #expect(!requested.contains { $0.contains("/private/") && !$0.hasSuffix("/private/press-kit.html") })
        let status = try await RedisCrawlStatus.read(cluster.url)
        #expect(status.isFinished)
        #expect(status.done == records.count)
        #expect(status.robotsFetched == 1)
    }

    @Test("A worker killed with SIGKILL midway loses nothing: its leases expire and others finish the crawl")
    func killedWorker() async throws {
        // A delay between requests makes the crawl last a few seconds; short leases expire quickly.
        let cluster = try await Cluster.start(name: "killed", extra: ["--delay", "0.15", "--lease-timeout", "2"])
        defer { cluster.stop() }
        let (url, site, workers) = (cluster.url, cluster.site, cluster.workers)
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: cluster.redis.port)
        // Midway: once 10 URLs are done.
        for _ in 0..<3000 {
            if try await RedisCrawlStatus.read(url, using: connection).done >= 10 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        // Kill a worker (not the seeder) while it holds a lease: once one shows
        // in the leases, stop it, check it still holds it, and kill it.
        func holders() async throws -> [String] {
            try await connection.send("ZRANGE", url.keyPrefix + "leases", "0", "-1").elements.compactMap(\.text)
        }
        let candidates = [workers[1], workers[2]]
        var victim: Worker?
        let deadline = ContinuousClock.now + .seconds(60)
        var probes = 0
        while victim == nil, ContinuousClock.now < deadline {
            probes += 1
            if let holder = try await holders().lazy.compactMap({ lease in candidates.first { lease.contains("-\($0.pid)-") } }).first {
                kill(holder.pid, SIGSTOP)
                if try await holders().contains(where: { $0.contains("-\(holder.pid)-") }) {
                    kill(holder.pid, SIGKILL)
                    victim = holder
                } else {
                    kill(holder.pid, SIGCONT)
                }
            } else if probes % 100 == 0, try await RedisCrawlStatus.read(url, using: connection).isFinished {
                break
            } else {
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        #expect(victim != nil, "no worker was caught holding a lease")
        await Self.waitForAll(workers)
        let records = workers.flatMap { Self.records($0.log) }
        #expect(Self.fetchedPaths(records, base: site.baseURL) == (try site.manifest()))
        let status = try await RedisCrawlStatus.read(url, using: connection)
        #expect(status.isFinished)
        #expect(status.expiredLeases >= 1)
        // The survivors fetched each URL once between them.
        let survivors = workers.filter { $0.pid != victim?.pid }.flatMap { Self.records($0.log) }.map(\.url)
        #expect(Set(survivors).count == survivors.count)
    }
}
