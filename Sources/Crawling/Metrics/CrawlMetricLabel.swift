/// The names of the metrics a crawl emits through swift-metrics, following
/// Prometheus conventions (`_total` for counters, base units in the name).
///
/// The library only emits: a program that wants them bootstraps a backend
/// with `MetricsSystem.bootstrap(_:)` before it starts a crawl (the
/// `asyncurl-crawl` command does so for `--metrics`). Without one they cost
/// next to nothing (swift-metrics' no-op handlers).
public enum CrawlMetricLabel {
    /// Counter: pages fetched (responses recorded, whatever their status).
    public static let pages = "asyncurl_pages_total"
    /// Counter with a `status` dimension: responses by HTTP status.
    public static let responses = "asyncurl_responses_total"
    /// Counter with a `kind` dimension: errors by kind (a fetch error's kind,
    /// `spider`, `invalidURL`, `archive`, `leaseLost`, `retryWaitTooLong`; `other` for the rest).
    public static let errors = "asyncurl_errors_total"
    /// Counter: decoded body bytes of the pages fetched.
    public static let bytes = "asyncurl_bytes_total"
    /// Gauge: URLs waiting in the frontier's host queues.
    public static let queuedURLs = "asyncurl_queued_urls"
    /// Gauge: URLs handed to workers and not yet completed.
    public static let inFlightRequests = "asyncurl_in_flight_requests"
    /// Gauge: hosts paused now (429, failures, robots.txt failing).
    public static let pausedHosts = "asyncurl_paused_hosts"
    /// Timer (a histogram in Prometheus): time from request to response or failure.
    public static let fetchDuration = "asyncurl_fetch_duration_seconds"
    /// Timer (a histogram in Prometheus): time to extract a page's links and run the spider on it.
    public static let parseDuration = "asyncurl_parse_duration_seconds"
}
