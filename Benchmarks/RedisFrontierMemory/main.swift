import ArgumentParser
import CrawlFrontier
import DistributedFrontier
import Foundation

/// Measures Redis memory per URL of a ``RedisFrontier``: offers N new URLs
/// through the frontier's add path (as a crawl does, a page of links per
/// call) and reads `INFO memory` before, after, and once the host queues are
/// deleted (what is left is the seen-set and the counters).
/// Run it through `scripts/redis-frontier-memory.sh`, which starts a throw-away redis-server.
@main
struct RedisFrontierMemory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-frontier-memory",
        abstract: "Redis memory per URL of the shared frontier.")

    @Option(help: "The Redis server's port (on 127.0.0.1).")
    var port = 6379

    @Option(help: "How many URLs to add.")
    var count = 1_000_000

    @Option(help: "How many hosts they are spread over.")
    var hosts = 1000

    @Option(help: "URLs per add call (a page's links).")
    var batch = 100

    func run() async throws {
        let url = try RedisFrontierURL(host: "127.0.0.1", port: port, name: "memory")
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: port)
        _ = try await connection.send("FLUSHALL")
        let before = try await usedMemory(connection)
        let configuration = FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "memory", obeysRobots: false)
        let frontier = try await RedisFrontier(url: url, configuration: configuration, robotsFetcher: { _ in .unreachable })
        var generator = SystemRandomNumberGenerator()
        var added = 0
        var queued = 0
        while added < count {
            let size = min(batch, count - added)
            let entries = (0..<size).map { offset -> FrontierEntry in
                let number = added + offset
                let hostKey = "http://host-\(number % hosts).example:80"
                return FrontierEntry(url: "\(hostKey)/articles/\(number).html", fingerprint: generator.next(), hostKey: hostKey, depth: 1)
            }
            let outcomes = added == 0 ? await frontier.addSeeds(entries) : await frontier.add(contentsOf: entries)
            queued += outcomes.filter { $0 == .queued }.count
            added += size
        }
        let withQueues = try await usedMemory(connection)
        // Drop the host queues (DEL frees at once; UNLINK would free later, in
        // the background): what is left is the seen-set (and a few small keys).
        for host in 0..<hosts {
            _ = try await connection.send("DEL", url.keyPrefix + "q:http://host-\(host).example:80")
        }
        let seenOnly = try await usedMemory(connection)
        let status = try await RedisCrawlStatus.read(url, using: connection)
        try await frontier.close()
        let perURL = { (bytes: Int) in String(format: "%.1f", Double(bytes) / Double(max(1, queued))) }
        print("URLs offered \(added), queued \(queued), seen-set \(status.seen)")
        print("used_memory before \(before) B, with queues \(withQueues) B, seen-set only \(seenOnly) B")
        print("per URL: seen-set + queued entry \(perURL(withQueues - before)) B, seen-set \(perURL(seenOnly - before)) B")
        print(
            String(
                format: "per million URLs: seen-set + queues %.0f MiB, seen-set %.1f MiB",
                Double(withQueues - before) / Double(max(1, queued)) * 1e6 / 1_048_576,
                Double(seenOnly - before) / Double(max(1, queued)) * 1e6 / 1_048_576))
    }

    private func usedMemory(_ connection: RedisConnection) async throws -> Int {
        let info = try await connection.send("INFO", "memory").text ?? ""
        for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("used_memory:") {
            return Int(line.dropFirst("used_memory:".count)) ?? 0
        }
        return 0
    }
}
