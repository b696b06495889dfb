import ArgumentParser
import Crawling

/// The options that bound a crawl: what it keeps in memory, whatever its
/// sites send (URL lengths, links per page, queued URLs and cookies), and how
/// long it runs (time, bytes, items).
struct BoundsOptions: ParsableArguments {
    @Option(
        name: .customLong("max-time"),
        help: "Stop after this many seconds, as a first Ctrl-C does (requests in flight finish), but with exit status 0 (0: no limit).")
    var maxTime = 0.0

    @Option(
        name: .customLong("max-bytes"),
        help: "Stop once this many body bytes (decoded) were received, as a first Ctrl-C does, with exit status 0 (0: no limit).")
    var maxBytes = 0

    @Option(
        name: .customLong("max-items"),
        help: "Stop once this many items were written, as a first Ctrl-C does, with exit status 0 (0: no limit).")
    var maxItems = 0

    @Option(
        name: .customLong("max-url-length"),
        help: "The longest URL followed, in bytes: longer links, <base href> values and redirect targets are dropped and counted.")
    var maxURLLength = CrawlSettings().maxURLLength

    @Option(name: .customLong("max-link-bytes"), help: "The most bytes of links (URLs and anchor text) kept from one page.")
    var maxLinkBytes = CrawlSettings().maxLinkBytesPerPage

    @Option(
        name: .customLong("max-queued"),
        help:
            "The most URLs waiting in memory to be fetched, over all hosts (0: no limit); more wait on disk (or, with --memory-budget 0 and no --state, are counted as limited)."
    )
    var maxQueued = CrawlSettings().maxQueuedURLs ?? 0

    @Option(name: .customLong("max-queued-per-host"), help: "The most URLs waiting in memory to be fetched from one host (0: no limit).")
    var maxQueuedPerHost = CrawlSettings().maxQueuedURLsPerHost ?? 0

    @Option(
        name: .customLong("memory-budget"),
        help: "MiB of memory for the frontier's queues and seen-set (0: no budget); past it URLs and fingerprints wait on disk.")
    var memoryBudget = (CrawlSettings().memoryBudget ?? 0) >> 20

    @Option(name: .customLong("max-cookies-per-host"), help: "The most cookies kept for one host.")
    var maxCookiesPerHost = CrawlSettings().maxCookiesPerHost

    @Option(name: .customLong("max-cookies"), help: "The most cookies kept in all.")
    var maxCookies = CrawlSettings().maxCookies

    func validate() throws {
        guard maxURLLength > 0, maxLinkBytes > 0 else { throw ValidationError("--max-url-length and --max-link-bytes must be positive") }
        guard maxTime >= 0, maxTime.isFinite, maxBytes >= 0, maxItems >= 0 else {
            throw ValidationError("--max-time, --max-bytes and --max-items must not be negative")
        }
        guard maxQueued >= 0, maxQueuedPerHost >= 0, maxCookiesPerHost >= 0, maxCookies >= 0, memoryBudget >= 0 else {
            throw ValidationError(
                "--max-queued, --max-queued-per-host, --max-cookies-per-host, --max-cookies and --memory-budget must not be negative")
        }
    }

    /// Sets the bounds in `settings`.
    func apply(to settings: inout CrawlSettings) {
        settings.maxTime = maxTime > 0 ? .milliseconds(Int64(min(maxTime, 1e9) * 1000)) : nil
        settings.maxBytes = maxBytes > 0 ? maxBytes : nil
        settings.maxItems = maxItems > 0 ? maxItems : nil
        settings.maxURLLength = maxURLLength
        settings.maxLinkBytesPerPage = maxLinkBytes
        settings.maxQueuedURLs = maxQueued > 0 ? maxQueued : nil
        settings.maxQueuedURLsPerHost = maxQueuedPerHost > 0 ? maxQueuedPerHost : nil
        settings.memoryBudget = memoryBudget > 0 ? memoryBudget << 20 : nil
        settings.maxCookiesPerHost = maxCookiesPerHost
        settings.maxCookies = maxCookies
    }
}
