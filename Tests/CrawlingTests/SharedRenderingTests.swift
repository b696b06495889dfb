import CrawlFrontier
import Crawling
import DistributedFrontier
import Foundation
import Rendering
import TestServer
import Testing

/// Rendering crawls sharing one Redis frontier: every worker's page fetches
/// and rendered pages' subrequests keep each host's limits together.
@Suite(
    "Shared crawls of rendered pages", .serialized, .timeLimit(.minutes(4)),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
        "no /usr/bin/chromium: scripts/install-deps.sh installs Debian's chromium package"))
struct SharedRenderingTests {
    @Test("Two workers through Redis, per-host 1: each host sees one request at a time from both workers")
    func oneAccountingAcrossWorkers() async throws {
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let (first, second, (firstCount, secondCount), local) = try await RenderingCrawlTests.politeSites(
            tabs: 1, delay: .milliseconds(500))
        var settings = local
        settings.frontier = .redis(try redis.frontierURL(name: "rendered"))
        let seeds = [first.url("/"), second.url("/")]
        // Both workers offer the seeds: the second offer finds them seen.
        async let one = LoggedCrawl.run(seeds: seeds, settings: settings, limit: .seconds(180))
        async let two = LoggedCrawl.run(seeds: seeds, settings: settings, limit: .seconds(180))
        let crawls = try await [one, two]
        try await first.shutdown()
        try await second.shutdown()
        #expect(crawls.allSatisfy { !$0.overran })
        #expect(crawls.map(\.stats.renderedPages).reduce(0, +) == 6, "\(crawls.map(\.stats.renderedPages))")
        for (server, counter) in [(first, firstCount), (second, secondCount)] {
            let requests = server.recordedRequests
            #expect(requests.contains { $0.path.hasPrefix("/app.js") } && requests.contains { $0.path == "/image.png" })
            #expect(counter.maximum == 1, "\(server.host): \(requests.map(\.path))")
            // A lower bound only: the delay runs from the end of one request to
            // the start of the next, so it holds from the server's answer to the
            // next arrival however loaded the machine (see arrivalGap; Redis
            // keeps times in whole milliseconds); robots.txt is a request like the others.
            let ordered = requests.sorted { $0.arrival < $1.arrival }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                #expect(later.arrivalGap(after: earlier) >= .milliseconds(495), "\(server.host): \(earlier.path) then \(later.path)")
            }
        }
    }
}
