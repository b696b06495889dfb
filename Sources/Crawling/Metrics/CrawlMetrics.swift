import AsyncURL
import CrawlFrontier
import Metrics

/// The metrics one crawler emits (see ``CrawlMetricLabel``): made once, when
/// the crawler is, so a page costs a few atomic increments in the backend and
/// no lookup by name.
///
/// Counters with a dimension (responses by status, errors by kind) are made
/// on first use, from a table built here (statuses 100-599, and every known
/// error kind; any other value counts as `other`).
final class CrawlMetrics: Sendable {
    /// The statuses with a counter of their own; others count as `other`.
    static let statuses = 100..<600
    /// The error kinds with a counter of their own: a fetch error's kinds and the crawler's own.
    static let errorKinds = Set(FetchError.Kind.allCases.map(\.rawValue)).union([
        "spider", "invalidURL", "archive", "leaseLost", "retryWaitTooLong"
    ])

    let pages = Counter(label: CrawlMetricLabel.pages)
    let bytes = Counter(label: CrawlMetricLabel.bytes)
    let fetchDuration = Timer(label: CrawlMetricLabel.fetchDuration)
    let parseDuration = Timer(label: CrawlMetricLabel.parseDuration)
    private let queuedURLs = Gauge(label: CrawlMetricLabel.queuedURLs)
    private let inFlightRequests = Gauge(label: CrawlMetricLabel.inFlightRequests)
    private let pausedHosts = Gauge(label: CrawlMetricLabel.pausedHosts)
    private let responses: [LazyCounter]
    private let otherResponses = LazyCounter(label: CrawlMetricLabel.responses, dimensions: [("status", "other")])
    private let errors: [String: LazyCounter]
    private let otherErrors = LazyCounter(label: CrawlMetricLabel.errors, dimensions: [("kind", "other")])

    init() {
        responses = Self.statuses.map { LazyCounter(label: CrawlMetricLabel.responses, dimensions: [("status", String($0))]) }
        errors = Dictionary(
            uniqueKeysWithValues: Self.errorKinds.map { ($0, LazyCounter(label: CrawlMetricLabel.errors, dimensions: [("kind", $0)])) })
    }

    /// Counts a page fetched: its status and decoded body bytes.
    func countPage(status: Int, bytes count: Int) {
        pages.increment()
        bytes.increment(by: count)
        if Self.statuses.contains(status) {
            responses[status - Self.statuses.lowerBound].increment()
        } else {
            otherResponses.increment()
        }
    }

    /// Counts an error of `kind` (a ``CrawlStats/errorKinds`` key).
    func countError(_ kind: String) {
        (errors[kind] ?? otherErrors).increment()
    }

    /// Sets the gauges from the frontier's activity.
    func record(_ activity: FrontierActivity) {
        queuedURLs.record(activity.queued)
        inFlightRequests.record(activity.inFlight)
        pausedHosts.record(activity.pausedHosts)
    }

    /// Samples `frontier`'s activity into the gauges every `interval`, until
    /// the task is cancelled, and once more then (the gauges keep the crawl's last state).
    func sample(_ frontier: any URLFrontier, every interval: Duration = .seconds(1)) -> Task<Void, Never> {
        Task { [self] in
            while !Task.isCancelled {
                record(await frontier.activity)
                try? await Task.sleep(for: interval)
            }
            record(await frontier.activity)
        }
    }
}
