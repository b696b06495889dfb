import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// AutoThrottle in a shared crawl: one estimate per host, in Redis, moved by every worker's responses.
@Suite("RedisFrontier AutoThrottle")
struct RedisAutoThrottleTests {
    @Test("A host's AutoThrottle estimate is shared: each worker's sample moves the estimate the other left, as AutoThrottle.adjusted does")
    func sharedEstimate() async throws {
        let throttle = AutoThrottle(
            targetConcurrency: 2, startDelay: .milliseconds(40), minimumDelay: .milliseconds(10), maximumDelay: .seconds(30))
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 4, autoThrottle: throttle)
        try await RedisFixtures.withFrontiers(2, policy: policy) { server, frontiers in
            let (first, second) = (frontiers[0], frontiers[1])
            let host = "http://h1.test:80"
            _ = await first.addSeeds((0..<5).map { RedisFixtures.entry(host: 1, path: "/\($0)") })
            let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
            let keys = RedisKeys(crawl: "test")
            func estimate() async throws -> Int64? {
                try await connection.send([Array("HGET".utf8), keys.host(host), Array("throttle".utf8)]).int
            }
            #expect(try await estimate() == 40)
            // Samples from alternating workers: 900 ms ok, 100 ms ok, 3000 ms failed, 20 ms failed.
            let samples: [(worker: RedisFrontier, outcome: HostScheduler.Outcome)] = [
                (first, .success(latency: .milliseconds(900))), (second, .success(latency: .milliseconds(100))),
                (first, .transientFailure(latency: .milliseconds(3000))), (second, .transientFailure(latency: .milliseconds(20)))
            ]
            var expected = Duration.milliseconds(40)
            for (worker, outcome) in samples {
                let entry = try #require(await RedisFixtures.bounded(.seconds(30)) { await worker.next() } ?? nil)
                await worker.complete(entry, outcome: outcome)
                switch outcome {
                case .success(let latency): expected = throttle.adjusted(expected, latency: latency, succeeded: true)
                case .transientFailure(let latency): expected = throttle.adjusted(expected, latency: latency, succeeded: false)
                default: break
                }
                #expect(try await estimate() == expected.flooredMilliseconds)
            }
            // The fifth URL waits for the estimate after the host's last start.
            let hostState = try await connection.send([Array("HMGET".utf8), keys.host(host), Array("last".utf8), Array("throttle".utf8)])
                .elements
            let last = try #require(hostState.first?.int)
            let ready = try #require(try await connection.send([Array("ZSCORE".utf8), keys.ready, Array(host.utf8)]).int)
            #expect(ready == last + expected.flooredMilliseconds)
        }
    }
}
