import AsyncURLSupport

/// What a crawl did, as counted at one moment: printed at the end of a crawl
/// and written as JSON with `--stats FILE`.
public struct CrawlStats: Sendable, Codable, Hashable {
    /// Responses received (any status).
    public var pages = 0
    /// Decoded body bytes received.
    public var bytes = 0
    /// Errors of every kind in ``errorKinds``: requests that ended in a
    /// transport failure (after retries), unusable URLs, spider callbacks that threw...
    public var errors = 0
    /// Responses by HTTP status code.
    public var statuses: [Int: Int] = [:]
    /// Errors by kind: a `FetchError.Kind` name, or `invalidURL`, `spider`,
    /// `retryWaitTooLong`, `leaseLost`, `archive`, `robotsUnavailable`.
    public var errorKinds: [String: Int] = [:]
    /// Requests tried again after a transient failure, 429 or 503.
    public var retries = 0
    /// URLs not fetched because robots.txt disallows them.
    public var robotsDenied = 0
    /// URLs not fetched because their host's robots.txt could not be fetched
    /// (refused, timed out, 5xx after its tries): not counted in ``robotsDenied``.
    public var robotsUnavailable = 0
    /// What happened to the first hosts whose robots.txt could not be fetched
    /// (at most ``maxRobotsFailuresKept``), one sentence each; every such host
    /// counts one `robotsUnavailable` error.
    public var robotsFailures: [String] = []
    /// The most sentences kept in ``robotsFailures``.
    public static let maxRobotsFailuresKept = 5
    /// URLs not followed because they are outside the crawl's scope.
    public var offScope = 0
    /// URLs not queued because they were already seen.
    public var duplicates = 0
    /// URLs dropped by a limit (depth, pages, per-host pages, URL length, trap).
    public var limited = 0
    /// Times a whole host was paused (429, failures on several URLs, robots.txt failing).
    public var hostPauses = 0
    /// Hosts given up (robots.txt unavailable after its tries, or over the per-host time budget).
    public var hostsGivenUp = 0
    /// robots.txt rules past the per-file rule cap, not kept.
    public var robotsRulesIgnored = 0
    /// Requests a middleware skipped before they went out.
    public var skippedRequests = 0
    /// Responses a middleware dropped before they were parsed.
    public var droppedResponses = 0
    /// Items exported to feeds.
    public var items = 0
    /// Items dropped by a pipeline.
    public var droppedItems = 0
    /// Links found in parsed pages.
    public var linksFound = 0
    /// Links and requests dropped for being longer than the URL length limit,
    /// as written or once resolved (checked before the resolved string is built).
    public var linksTooLong = 0
    /// Links dropped for being beyond a page's link caps (count or bytes).
    public var linksOverPageCap = 0
    /// Pages whose `<base href>` was longer than the URL length limit (ignored:
    /// their links were resolved against the page's URL).
    public var baseHrefsDropped = 0
    /// URLs refused because the queue was full (in all or for their host).
    public var queueLimited = 0
    /// URLs that waited on disk because the queue was full (with `--state`, instead of being refused).
    public var queuedOnDisk = 0
    /// Cookies refused because the jar was full (for their host or in all).
    public var cookiesRefused = 0
    /// The deepest depth fetched (seeds are depth 0).
    public var maxDepth = 0
    /// Seconds since the crawl started.
    public var elapsedSeconds = 0.0
    /// The most resident memory this process held so far (`VmHWM` of
    /// `/proc/self/status`, read when ``Crawler/run()`` returns or
    /// ``Crawler/statsSoFar`` is asked), in bytes; 0 when unknown.
    public var peakMemory = 0
    /// WARC records written (with ``CrawlSettings/warc``).
    public var archivedRecords = 0
    /// Pages by ``PageChange`` (`new`, `changed`, `unchanged`, `gone`; with ``CrawlSettings/recrawl``).
    public var changes: [String: Int] = [:]
    /// Pages a recrawl did not fetch because they were not due (their stored links were followed).
    public var revisitsNotDue = 0
    /// Pages a recrawl fetched before they were due because their sitemap `<lastmod>` is newer than the last visit.
    public var revisitsDueBySitemap = 0
    /// Sitemap `<lastmod>` or `<changefreq>` values a recrawl could not read, and scheduled without.
    public var sitemapHintsIgnored = 0
    /// Keyed items by ``ItemChange`` (`added`, `changed`, `removed`; with ``CrawlSettings/recrawl``).
    public var itemChanges: [String: Int] = [:]
    /// Pages rendered through headless Chromium.
    public var renderedPages = 0
    /// Rendered pages whose wait was cut short by the time limit (read as they were).
    public var renderWaitsCutShort = 0
    /// Pages whose rendering failed, by kind (the page was used as fetched).
    public var renderFailures: [String: Int] = [:]
    /// Browsers started after the first (crashed, hung, or past their memory limit).
    public var browserRestarts = 0
    /// The most resident memory the browser's processes held together, read after each rendered page, in bytes.
    public var browserPeakMemory = 0

    /// Creates empty counters.
    public init() {}

    /// Counts one error of `kind` (in ``errors`` and ``errorKinds``).
    /// - Parameter kind: the error's kind (see ``errorKinds``).
    public mutating func recordError(_ kind: String) {
        errors += 1
        errorKinds[kind, default: 0] += 1
    }

    /// Counts a host given up because its robots.txt could not be fetched.
    /// - Parameters:
    ///   - hostKey: the host (`scheme://host:port`).
    ///   - reason: why its robots.txt could not be fetched (`connection refused`, `HTTP 503`).
    public mutating func recordRobotsUnavailable(hostKey: String, reason: String) {
        recordError("robotsUnavailable")
        guard robotsFailures.count < Self.maxRobotsFailuresKept else { return }
        var host = hostKey.firstRange(of: "://").map { String(hostKey[$0.upperBound...]) } ?? hostKey
        for suffix in [":80", ":443"] where host.hasSuffix(suffix) && hostKey.hasPrefix(suffix == ":80" ? "http:" : "https:") {
            host.removeLast(suffix.count)
        }
        robotsFailures.append("robots.txt of \(host) could not be fetched: \(reason); its URLs were not crawled")
    }

    /// Pages per second over the whole crawl.
    public var pagesPerSecond: Double {
        elapsedSeconds > 0 ? Double(pages) / elapsedSeconds : 0
    }

    /// The recrawl's lines of the summary (empty without a recrawl).
    private var recrawlSummary: String {
        guard !changes.isEmpty || revisitsNotDue > 0 else { return "" }
        let pageText = PageChange.allCases.map { "\(changes[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        let itemText = ["added", "changed", "removed"].map { "\(itemChanges[$0] ?? 0) \($0)" }.joined(separator: ", ")
        let sitemapText = revisitsDueBySitemap > 0 ? ", \(revisitsDueBySitemap) due by sitemap lastmod" : ""
        return "\nrecrawl:        \(pageText), \(revisitsNotDue) not due\(sitemapText)\nitem changes:   \(itemText)"
    }

    /// The rendering line of the summary (empty when nothing was rendered).
    private var renderSummary: String {
        guard renderedPages > 0 || !renderFailures.isEmpty else { return "" }
        let failureText = renderFailures.keys.sorted().map { "\($0): \(renderFailures[$0] ?? 0)" }.joined(separator: ", ")
        return "\nrendered:       \(renderedPages) (\(renderWaitsCutShort) cut short by the time limit; failed: "
            + "\(failureText.isEmpty ? "0" : failureText); browser restarts: \(browserRestarts))"
    }

    /// The sentences of ``robotsFailures``, each on a line of its own (empty without any).
    private var robotsFailureSummary: String {
        guard !robotsFailures.isEmpty else { return "" }
        let hosts = errorKinds["robotsUnavailable"] ?? robotsFailures.count
        let more = hosts > robotsFailures.count ? "\n(and \(hosts - robotsFailures.count) more hosts)" : ""
        return "\n" + robotsFailures.joined(separator: "\n") + more
    }

    /// A multi-line human summary.
    public var summary: String {
        let statusText = statuses.keys.sorted().map { "\($0): \(statuses[$0] ?? 0)" }.joined(separator: ", ")
        let errorText = errorKinds.keys.sorted().map { "\($0): \(errorKinds[$0] ?? 0)" }.joined(separator: ", ")
        return """
            pages:          \(pages) (\(formatted("%.1f", pagesPerSecond)) pages/s)
            bytes:          \(bytes)
            statuses:       \(statusText.isEmpty ? "-" : statusText)
            errors:         \(errors)\(errorText.isEmpty ? "" : " (\(errorText))")
            retries:        \(retries)
            hosts:          \(hostPauses) pauses, \(hostsGivenUp) given up
            robots denied:  \(robotsDenied)\(robotsRulesIgnored > 0 ? " (\(robotsRulesIgnored) rules over the cap ignored)" : "")
            robots failed:  \(robotsUnavailable) URLs not crawled (robots.txt unavailable)
            off scope:      \(offScope)
            duplicates:     \(duplicates)
            limited:        \(limited)
            middleware:     \(skippedRequests) requests skipped, \(droppedResponses) responses dropped
            links found:    \(linksFound) (dropped: \(linksTooLong) too long, \(linksOverPageCap) over the page cap, \(baseHrefsDropped) base hrefs)
            queue limited:  \(queueLimited) (waited on disk: \(queuedOnDisk))
            cookies refused: \(cookiesRefused)
            items:          \(items) (dropped \(droppedItems))
            depth reached:  \(maxDepth)\(archivedRecords > 0 ? "\nWARC records:   \(archivedRecords)" : "")\(recrawlSummary)\(renderSummary)
            elapsed:        \(formatted("%.2f", elapsedSeconds)) s\(peakMemory > 0 ? "\npeak memory:    \(peakMemory >> 20) MB" : "")\(robotsFailureSummary)
            """
    }
}
