/// What a ``Frontier``'s seen-set and queues take in memory and on disk (for
/// benchmarks and tests).
package struct FrontierStorage: Sendable {
    /// Fingerprints in the seen-set.
    package var seenCount: Int
    /// Of them, in runs on disk.
    package var seenOnDisk: Int
    /// Bytes of the seen-set's runs on disk.
    package var seenDiskBytes: Int
    /// Bytes of the seen-set in memory (tables, run indexes and filters).
    package var seenMemoryBytes: Int
    /// Runs on disk.
    package var seenRuns: Int
    /// Merges of runs so far.
    package var seenMerges: Int
    /// URLs queued in memory (or held for robots.txt).
    package var queuedInMemory: Int
    /// Their estimated bytes.
    package var queuedMemoryBytes: Int
    /// URLs waiting on disk.
    package var queuedOnDisk: Int
    /// Bytes of the spill runs on disk.
    package var spillDiskBytes: Int
    /// Hosts with a scheduler record (see `HostScheduler.hostCount`).
    package var hostRecords = 0
    /// Hosts with URLs on disk.
    package var hostsOnDisk = 0
    /// The estimated bytes of the queues in memory with their host records
    /// (what is held to half the memory budget).
    package var queueMemoryBytes = 0
}
