import ArgumentParser
import Crawling
import Metrics
import Prometheus

/// The option that serves the crawl's metrics (`CrawlMetricLabel`) to Prometheus.
struct MetricsOptions: ParsableArguments {
    @Option(
        name: .customLong("metrics"),
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://HOST:PORT/metrics while the crawl runs. HOST is 127.0.0.1 unless given; port 0 picks a free port. The address is printed on standard error.",
            valueName: "[host:]port"))
    var metrics: String?

    func validate() throws {
        if let metrics, MetricsEndpoint(metrics) == nil {
            throw ValidationError("--metrics takes PORT, HOST:PORT or [IPV6]:PORT, with a port from 0 to 65535")
        }
    }

    /// The histogram buckets of the crawl's durations: fetches up to the
    /// default 30 s time-out, parsing from a millisecond.
    static let durationBuckets: [String: [Duration]] = [
        CrawlMetricLabel.fetchDuration: [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
            .seconds(10), .seconds(30)
        ],
        CrawlMetricLabel.parseDuration: [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1)
        ]
    ]

    /// With `--metrics`: makes swift-metrics report to a Prometheus registry
    /// (before the crawler, whose metrics are made with it, exists), serves it,
    /// and prints the URL on standard error; `nil` without `--metrics`.
    /// - Throws: `ExitCode(3)` when the address cannot be bound.
    func startServer() async throws(ExitCode) -> MetricsServer? {
        guard let metrics, let endpoint = MetricsEndpoint(metrics) else { return nil }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = Self.durationBuckets
        MetricsSystem.bootstrap(factory)
        do {
            let server = try await MetricsServer.start(endpoint, registry: registry)
            StandardError.write("asyncurl-crawl: metrics at \(endpoint.url(port: server.port ?? endpoint.port))\n")
            return server
        } catch {
            CrawlCommand.printError("cannot serve metrics on \(metrics): \(error)")
            throw ExitCode(3)
        }
    }
}
