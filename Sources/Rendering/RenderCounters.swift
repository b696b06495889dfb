/// What the renderer did, for the crawl's stats.
public struct RenderCounters: Sendable, Equatable {
    /// Pages rendered and read back.
    public var pages = 0
    /// Pages whose wait was cut short by the time limit (read as they were).
    public var waitsCutShort = 0
    /// Renders tried again after a crashed or hung browser or tab.
    public var retries = 0
    /// Pages given up, by the kind of the last failure.
    public var failures: [String: Int] = [:]
    /// Browsers started after the first (crashed, hung, or past the memory limit).
    public var browserRestarts = 0
    /// Restarts because the browser's memory passed ``RenderSettings/maxBrowserMemory``.
    public var memoryRestarts = 0
    /// Requests of pages that went out through the fetch core.
    public var requestsMade = 0
    /// Requests of pages refused or failed.
    public var requestsBlocked = 0
    /// Main-frame navigations scripts tried (reported to the crawler, not followed).
    public var navigations = 0
    /// The most resident memory the browser's processes held together, as measured in the background (every ``RenderSettings/memoryCheckInterval`` at most), in bytes.
    public var peakBrowserMemory = 0

    /// Creates empty counters.
    public init() {}
}
