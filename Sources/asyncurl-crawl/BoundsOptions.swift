import ArgumentParser
import Crawling

/// The options that bound what one crawl keeps in memory, whatever its sites
/// send: URL lengths, links per page, queued URLs and cookies.
struct BoundsOptions: ParsableArguments {
    @Option(name: .customLong("max-url-length"), help: "The longest URL followed, in bytes: longer links, <base href> values and redirect targets are dropped and counted.")
    var maxURLLength = CrawlSettings().maxURLLength

    @Option(name: .customLong("max-link-bytes"), help: "The most bytes of links (URLs and anchor text) kept from one page.")
    var maxLinkBytes = CrawlSettings().maxLinkBytesPerPage

    @Option(name: .customLong("max-queued"), help: "The most URLs waiting in memory to be fetched, over all hosts (0: no limit); more wait on disk (or, with --memory-budget 0 and no --state, are counted as limited).")
    var maxQueued = CrawlSettings().maxQueuedURLs ?? 0

    @Option(name: .customLong("max-queued-per-host"), help: "The most URLs waiting in memory to be fetched from one host (0: no limit).")
    var maxQueuedPerHost = CrawlSettings().maxQueuedURLsPerHost ?? 0

    @Option(name: .customLong("memory-budget"),
            help: "MiB of memory for the frontier's queues and seen-set (0: no budget); past it URLs and fingerprints wait on disk.")
    var memoryBudget = (CrawlSettings().memoryBudget ?? 0) >> 20

    @Option(name: .customLong("max-cookies-per-host"), help: "The most cookies kept for one host.")
    var maxCookiesPerHost = CrawlSettings().maxCookiesPerHost

    @Option(name: .customLong("max-cookies"), help: "The most cookies kept in all.")
    var maxCookies = CrawlSettings().maxCookies

    func validate() throws {
        guard maxURLLength > 0, maxLinkBytes > 0 else { throw ValidationError("--max-url-length and --max-link-bytes must be positive") }
        guard maxQueued >= 0, maxQueuedPerHost >= 0, maxCookiesPerHost >= 0, maxCookies >= 0, memoryBudget >= 0 else {
            throw ValidationError("--max-queued, --max-queued-per-host, --max-cookies-per-host, --max-cookies and --memory-budget must not be negative")
        }
    }

    /// Sets the bounds in `settings`.
    func apply(to settings: inout CrawlSettings) {
        settings.maxURLLength = maxURLLength
        settings.maxLinkBytesPerPage = maxLinkBytes
        settings.maxQueuedURLs = maxQueued > 0 ? maxQueued : nil
        settings.maxQueuedURLsPerHost = maxQueuedPerHost > 0 ? maxQueuedPerHost : nil
        settings.memoryBudget = memoryBudget > 0 ? memoryBudget << 20 : nil
        settings.maxCookiesPerHost = maxCookiesPerHost
        settings.maxCookies = maxCookies
    }
}
