import AsyncURLSupport
import CrawlFrontier
import Foundation

/// What a ``Simulation`` measured, and its checks.
struct SimulationReport {
    var offers = 0
    var claims = 0
    var uniqueURLs = 0
    var fetchedURLs = 0
    var fetchedTwice = 0
    /// New URLs the frontier did not queue (reported seen, or refused): lost.
    var wronglySeen = 0
    /// Already offered URLs the frontier queued again.
    var wronglyNew = 0
    var addTime = Duration.zero
    var claimTime = Duration.zero
    var completeTime = Duration.zero
    /// CPU time of the process during the calls (see `CPUTime`).
    var addCPU = Duration.zero
    var claimCPU = Duration.zero
    var completeCPU = Duration.zero
    /// CPU time of the whole run.
    var cpu = Duration.zero
    var largestClaim = Duration.zero
    var wall = Duration.zero
    /// The spill file's largest size and the most URLs on disk, as seen at the progress lines.
    var largestSpillBytes = 0
    var largestOnDisk = 0
    var stopReason: String?

    /// Whether no URL was lost or fetched twice (and the run was not stopped early).
    var isExact: Bool {
        stopReason == nil && fetchedTwice == 0 && wronglySeen == 0 && wronglyNew == 0 && fetchedURLs == uniqueURLs
    }

    func progress(storage: FrontierStorage, elapsed: Duration) {
        let line = String(
            format:
                "%6.0f s (CPU %.0f s)  offered %d  claimed %d  queued %d in memory, %d on disk  host records %d (%d with URLs on disk)  "
                + "seen %d (%d on disk, %d runs)  RSS peak %.0f MiB",
            elapsed.seconds, CPUTime.now().seconds, offers, claims, storage.queuedInMemory, storage.queuedOnDisk, storage.hostRecords,
            storage.hostsOnDisk, storage.seenCount, storage.seenOnDisk, storage.seenRuns, Double(Self.peakResidentBytes()) / 1_048_576)
        // Unbuffered, so progress shows at once through a pipe.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func print(frontier: Frontier) async {
        let storage = await frontier.storage
        let disk = storage.seenDiskBytes + storage.spillDiskBytes
        Swift.print(
            String(
                format: "URLs offered %d (%d distinct), claimed %d, fetched %d distinct, in %.1f s wall", offers, uniqueURLs, claims,
                fetchedURLs, wall.seconds))
        Swift.print(String(format: "CPU time %.1f s (user+system, all threads), wall %.1f s", cpu.seconds, wall.seconds))
        Swift.print(
            String(
                format: "adds/s    %.0f (offers / CPU time in add)   %.0f (offers / wall time in add)   %.0f (offers / wall)",
                Double(offers) / addCPU.seconds, Double(offers) / addTime.seconds, Double(offers) / wall.seconds))
        Swift.print(
            String(
                format: "claims/s  %.0f (claims / CPU time in next+complete)   %.0f (claims / wall time in them)   %.0f (claims / wall)",
                Double(claims) / (claimCPU + completeCPU).seconds, Double(claims) / (claimTime + completeTime).seconds,
                Double(claims) / wall.seconds))
        Swift.print(String(format: "largest claim latency %.1f ms", largestClaim.seconds * 1000))
        Swift.print(String(format: "peak RSS (VmHWM) %.0f MiB", Double(Self.peakResidentBytes()) / 1_048_576))
        let bytesPerRunKey = storage.seenOnDisk > 0 ? Double(storage.seenDiskBytes) / Double(storage.seenOnDisk) : 0.0
        Swift.print(
            "seen-set: \(storage.seenCount) fingerprints, \(storage.seenOnDisk) on disk in \(storage.seenRuns) runs "
                + "(\(storage.seenMerges) merges), "
                + String(
                    format: "%.2f disk bytes per fingerprint on disk, %.1f MiB in memory",
                    bytesPerRunKey, Double(storage.seenMemoryBytes) / 1_048_576))
        Swift.print("URLs that waited on disk: \(await frontier.counters.spilled)")
        Swift.print(
            "host records at the end: \(storage.hostRecords) (estimated \(HostScheduler.hostRecordBytes) bytes each, counted in the budget)"
        )
        Swift.print(
            String(
                format: "disk at the end: %.1f MiB (seen runs %.1f MiB, spill file %.1f MiB), %.2f bytes per distinct URL",
                Double(disk) / 1_048_576, Double(storage.seenDiskBytes) / 1_048_576, Double(storage.spillDiskBytes) / 1_048_576,
                Double(disk) / Double(max(1, uniqueURLs))))
        Swift.print(
            String(
                format: "spill file at its largest (progress lines): %.1f MiB for %d URLs on disk, %.1f bytes per URL on disk",
                Double(largestSpillBytes) / 1_048_576, largestOnDisk, Double(largestSpillBytes) / Double(max(1, largestOnDisk))))
        Swift.print(
            "check: fetched twice \(fetchedTwice), new URLs refused \(wronglySeen), duplicates queued \(wronglyNew), "
                + "never fetched \(uniqueURLs - fetchedURLs)" + (stopReason.map { "; STOPPED EARLY: \($0)" } ?? ""))
        Swift.print(isExact ? "RESULT: exact (no URL lost or fetched twice)" : "RESULT: NOT exact")
    }

    /// The process's resident high-water mark (`VmHWM` in /proc/self/status), in bytes.
    static func peakResidentBytes() -> Int {
        ResidentMemory.peakBytes() ?? 0
    }
}

extension Duration {
    /// In seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
