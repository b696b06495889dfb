import AsyncURLSupport
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl --metrics`: Prometheus text at /metrics while a crawl runs,
/// read by prometheus_client's parser (installed by scripts/install-deps.sh).
@Suite("asyncurl-crawl --metrics", .serialized, .timeLimit(.minutes(2)))
struct MetricsCommandTests {
    /// Polls the metrics URL (at most 300 times) until `asyncurl_pages_total`
    /// reaches the count given, the body-too-large error is counted and one
    /// request is in flight (the gauge is sampled each second); prints what
    /// prometheus_client parsed of the last scrape as JSON.
    static let scraper = """
        import json, sys, time, urllib.request
        from prometheus_client.parser import text_string_to_metric_families
        url, pages = sys.argv[1], float(sys.argv[2])
        for attempt in range(300):
            with urllib.request.urlopen(url, timeout=10) as response:
                content_type = response.headers['Content-Type']
                text = response.read().decode('utf-8')
            families = list(text_string_to_metric_families(text))
            samples = {s.name + json.dumps(s.labels, sort_keys=True): s.value for f in families for s in f.samples}
            errors = samples.get('asyncurl_errors_total{"kind": "bodyTooLarge"}', 0)
            if samples.get('asyncurl_pages_total{}', 0) >= pages and errors >= 1 and samples.get('asyncurl_in_flight_requests{}', 0) == 1:
                break
            time.sleep(0.1)
        print(json.dumps({'content_type': content_type, 'types': {f.name: f.type for f in families}, 'samples': samples}))
        """

    struct Scrape: Decodable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var content_type: String
        var types: [String: String]
        var samples: [String: Double]
    }

    @Test(
        "/metrics is scraped during a crawl held open by a slow page: prometheus_client parses pages, statuses, errors, bytes, gauges and the duration histograms"
    )
    func scrapeDuringCrawl() async throws {
        guard let python = VenvTool.path("python", package: "prometheus_client") else { return }
        let directory = try VenvTool.makeTemporaryDirectory("metrics")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let released = LockedState(false)
        let server = try await TestServer.start()
        server.addRoute("/start") { _ in .links(["/page-a", "/page-b", "/missing", "/bytes/5000", "/slow"]) }
        server.addRoute("/page-a") { _ in TestResponse(headers: [("Content-Type", "text/plain")], body: Array(repeating: 0x61, count: 100))
        }
        server.addRoute("/page-b") { _ in TestResponse(headers: [("Content-Type", "text/plain")], body: Array(repeating: 0x62, count: 200))
        }
        server.addRoute("/missing") { _ in TestResponse(status: 404, text: "gone") }
        // Held until the test has scraped.
        server.addHeldRoute("/slow", until: released)
        let log = directory + "/crawl.log"
        let crawl = try CrawlCommandProcess(
            [
                server.url("/start"), "--ignore-robots", "--max-body", "1000", "--metrics", "0",
                "--output", directory + "/pages.jsonl", "--quiet"
            ], logPath: log)
        #expect(await CrawlCommandProcess.waitForText(in: log, containing: "/metrics\n"), "\(Self.text(log))")
        let url = try #require(Self.text(log).firstMatch(of: /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/)?.1)
        // The seed, /page-a, /page-b and /missing are recorded (4 pages); /bytes/5000 fails; /slow is in flight.
        let scraped = try await ChildProcess.output(of: python, ["-c", Self.scraper, String(url), "4"], timeout: .seconds(90))
        released.withLock { $0 = true }
        let status = await crawl.waitForExit(limit: .seconds(60))
        try await server.shutdown()
        #expect(status == 0, "\(Self.text(log))")
        try #require(scraped.status == 0, "\(scraped.text)")
        let scrape = try JSONDecoder().decode(Scrape.self, from: Data(scraped.text.utf8))
        #expect(scrape.content_type.hasPrefix("text/plain; version=0.0.4"))
        #expect(scrape.types["asyncurl_pages"] == "counter")
        #expect(scrape.types["asyncurl_fetch_duration_seconds"] == "histogram")
        #expect(scrape.types["asyncurl_in_flight_requests"] == "gauge")
        let samples = scrape.samples
        #expect(samples["asyncurl_pages_total{}"] == 4, "\(samples)")
        #expect(samples["asyncurl_responses_total{\"status\": \"200\"}"] == 3)
        #expect(samples["asyncurl_responses_total{\"status\": \"404\"}"] == 1)
        #expect(samples["asyncurl_errors_total{\"kind\": \"bodyTooLarge\"}"] == 1)
        let seedBytes = try #require(samples["asyncurl_bytes_total{}"]) - 100 - 200 - 4
        #expect(seedBytes > 0)
        #expect(samples["asyncurl_in_flight_requests{}"] == 1)
        #expect(samples["asyncurl_queued_urls{}"] == 0)
        #expect(samples["asyncurl_paused_hosts{}"] == 0)
        // Five fetches ended (the slow one has not); four responses were parsed.
        #expect(samples["asyncurl_fetch_duration_seconds_count{}"] == 5)
        #expect(samples["asyncurl_fetch_duration_seconds_bucket{\"le\": \"+Inf\"}"] == 5)
        #expect(samples["asyncurl_parse_duration_seconds_count{}"] == 4)
    }

    @Test("--metrics [::1]:0 binds the address written out; other paths get 404, other methods 405")
    func explicitAddress() async throws {
        guard let python = VenvTool.path("python", package: "prometheus_client") else { return }
        let directory = try VenvTool.makeTemporaryDirectory("metrics")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let released = LockedState(false)
        let server = try await TestServer.start()
        server.addHeldRoute("/held", until: released)
        let log = directory + "/crawl.log"
        let crawl = try CrawlCommandProcess([server.url("/held"), "--ignore-robots", "--metrics", "[::1]:0", "--quiet"], logPath: log)
        #expect(await CrawlCommandProcess.waitForText(in: log, containing: "/metrics\n"), "\(Self.text(log))")
        let url = try #require(Self.text(log).firstMatch(of: /metrics at (http:\/\/\[::1\]:\d+)\/metrics/)?.1)
        let script = """
            import sys, urllib.request, urllib.error
            from prometheus_client.parser import text_string_to_metric_families
            def status(path, method='GET'):
                try:
                    with urllib.request.urlopen(urllib.request.Request(sys.argv[1] + path, method=method), timeout=10) as response:
                        if path == '/metrics':
                            list(text_string_to_metric_families(response.read().decode('utf-8')))
                        return response.status
                except urllib.error.HTTPError as error:
                    return error.code
            print(status('/metrics'), status('/other'), status('/metrics', 'POST'))
            """
        let result = try await ChildProcess.output(of: python, ["-c", script, String(url)], timeout: .seconds(60))
        released.withLock { $0 = true }
        #expect(await crawl.waitForExit(limit: .seconds(60)) == 0, "\(Self.text(log))")
        try await server.shutdown()
        #expect(result.text == "200 404 405\n", "\(result.text)")
    }

    @Test(
        "--metrics refuses what is not PORT, HOST:PORT or [IPV6]:PORT with a usage error (exit 64)",
        arguments: ["http://x", "127.0.0.1:70000", "::1:9100", "host:"])
    func badEndpoint(value: String) async throws {
        let result = try await ChildProcess.output(of: CrawlCommandProcess.executablePath, ["http://127.0.0.1:1/", "--metrics", value])
        #expect(result.status >> 8 == 64, "\(result.text)")
        #expect(result.text.contains("--metrics"))
    }

    private static func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
