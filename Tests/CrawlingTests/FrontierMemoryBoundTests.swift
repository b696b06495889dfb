import Foundation
import Testing

/// The frontier's memory budget holds when a crawl finds far more URLs than
/// fit in it: measured on `frontier-benchmark` (a simulated crawl through the
/// real frontier) in a child process, so the peak memory read is its own.
@Suite("Frontier memory bound")
struct FrontierMemoryBoundTests {
    @Test("21,000 distinct URLs of 1.5 KB (about 40 MB queued) under an 8 MiB budget: peak memory under 45 MiB, every URL fetched once")
    func budgetHolds() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-memory-bound-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tool = URL(fileURLWithPath: CrawlCommandProcess.executablePath).deletingLastPathComponent().appendingPathComponent(
            "frontier-benchmark"
        ).path
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw CrawlCommandProcess.Failure(description: "\(tool) is missing: build it first (scripts/test.sh builds every product)")
        }
        // 30,000 links (70 % new) to 500 hosts: without a budget this run peaks near 60 MiB.
        let process = try CrawlCommandProcess(
            running: tool,
            [
                "--urls", "30000", "--hosts", "500", "--url-padding", "1500", "--memory-budget", "8",
                "--delay-ms", "0", "--concurrency", "50", "--state", directory + "/state"
            ],
            logPath: directory + "/output.txt")
        let exitCode = await process.waitForExit(limit: .seconds(400))
        let output = (try? String(contentsOfFile: directory + "/output.txt", encoding: .utf8)) ?? ""
        #expect(exitCode == 0, "\(output)")
        // The crawl went on to the end: every URL found was fetched, once.
        #expect(output.contains("RESULT: exact"), "\(output)")
        #expect(output.contains("fetched 21030 distinct"), "\(output)")
        let spilled =
            output.split(separator: "\n").first { $0.hasPrefix("URLs that waited on disk: ") }
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(spilled > 15_000, "\(output)")
        let peak = process.peakResidentBytes ?? .max
        print("frontier-benchmark peak RSS with an 8 MiB budget: \(peak >> 20) MiB")
        #expect(peak < 45 << 20, "peak RSS \(peak >> 20) MiB")
    }
}
