// A frontier benchmark by simulation (no network): offers N synthetic URLs
// across many hosts (Zipf-like: a few huge hosts, a long tail) in pages of 100
// links with 30 % duplicates, while claiming and completing with a simulated
// clock and per-host delays. Prints adds/s, claims/s, peak RSS (VmHWM), disk
// bytes per URL and the largest claim latency, and checks that no URL is lost
// or fetched twice.
//
//     swift run -c release frontier-benchmark [--urls 100000000] [--hosts 1000000] [--memory-budget 512]
import ArgumentParser
import CrawlFrontier
import Foundation
import HeapModule

@main
struct FrontierBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier-benchmark",
        abstract: "Simulate a crawl of N URLs over many hosts through the in-process frontier; check nothing is lost or fetched twice."
    )

    @Option(help: "URLs offered in all (links of pages, duplicates included).")
    var urls = 100_000_000

    @Option(help: "Hosts the URLs are spread over (Zipf-like).")
    var hosts = 1_000_000

    @Option(name: .customLong("memory-budget"), help: "The frontier's memory budget in MiB (0: none, everything in memory).")
    var memoryBudget = 512

    @Option(help: "Simulated fetches in flight at once.")
    var concurrency = 2000

    @Option(name: .customLong("delay-ms"), help: "Simulated per-host delay between requests, in milliseconds.")
    var delayMilliseconds = 1000

    @Option(name: .customLong("max-seconds"), help: "Stop (and report what was done) after this many seconds of wall time.")
    var maxSeconds = 7200

    @Option(name: .customLong("max-disk-gib"), help: "Stop (and report) when the frontier's files pass this many GiB.")
    var maxDiskGiB = 40

    @Option(name: .customLong("url-padding"), help: "Extra bytes in every URL (to make URLs as long as real ones, or longer).")
    var urlPadding = 0

    @Option(name: .customLong("progress-seconds"), help: "Print a progress line every this many seconds of wall time.")
    var progressSeconds = 5

    @Option(name: .customLong("state"), help: "Directory for the spill file and seen-set runs (default: a temporary one).")
    var stateDirectory: String?

    func validate() throws {
        guard urls >= 100, hosts >= 1, (0...1800).contains(urlPadding), concurrency >= 1, delayMilliseconds >= 0, memoryBudget >= 0,
            maxSeconds > 0, progressSeconds > 0
        else {
            throw ValidationError("--urls must be at least 100 and the other values positive")
        }
    }

    func run() async throws {
        var configuration = FrontierConfiguration(
            policy: PolitenessPolicy(maxConcurrencyPerHost: 1, delay: .milliseconds(delayMilliseconds), maxRetries: 0, hostTimeBudget: nil),
            scope: try CrawlScope(hosts: .any, maxDepth: 1000), userAgent: "frontier-benchmark", obeysRobots: false,
            maxQueued: nil, maxQueuedPerHost: nil)
        configuration.memoryBudget = memoryBudget > 0 ? memoryBudget << 20 : nil
        let spill = try stateDirectory.map { directory throws in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try SpillQueue(directory: directory)
        }
        let frontier = Frontier(configuration: configuration, spill: spill) { _ in .unreachable }
        var simulation = Simulation(urls: urls, hosts: hosts, concurrency: concurrency, padding: String(repeating: "a", count: urlPadding))
        let report = await simulation.run(
            frontier, limit: .seconds(maxSeconds), maxDiskBytes: maxDiskGiB << 30, progressInterval: .seconds(progressSeconds))
        await report.print(frontier: frontier)
        if !report.isExact { throw ExitCode(1) }
    }
}
