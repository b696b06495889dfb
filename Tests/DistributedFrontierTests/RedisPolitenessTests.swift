import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

/// Waits, pauses and robots.txt failures in a shared crawl: what one worker
/// learns (a 429, failing URLs, a failing robots.txt) holds for every worker.
@Suite("RedisFrontier: Retry-After, host pauses, robots.txt failures", .serialized)
struct RedisPolitenessTests {
    @Test("A 503 delays its URL only; a 429 pauses the host for every worker (counted in the status); a wait over the cap is not retried")
    func retryAfterAndPauses() async throws {
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(2, policy: PolitenessPolicy(maxConcurrencyPerHost: 1, maxRetryWait: .seconds(60))) {
            server, frontiers in
            _ = await frontiers[0].addSeeds(["/a", "/b", "/c", "/d"].map { RedisFixtures.entry(host: 1, path: $0) })
            guard let first = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[0].next() }) ?? nil else {
                Issue.record("nothing claimed")
                return
            }
            let retry = await frontiers[0].complete(first, outcome: .retryAfter(.seconds(30)))
            guard case .retryScheduled = retry else {
                Issue.record("not retried: \(retry)")
                return
            }
            // The host goes on at once with its other URLs, for the other worker too.
            guard let second = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[1].next() }) ?? nil else {
                Issue.record("the host was held up by one URL's Retry-After")
                return
            }
            #expect(second.url != first.url)
            var status = try await RedisFixtures.status(server)
            #expect(status.retrying == 1 && status.pausedHosts == 0)

            // Over the cap: not retried, counted as waitTooLong.
            #expect(await frontiers[1].complete(second, outcome: .retryAfter(.seconds(120))) == .waitTooLong(asked: .seconds(120)))
            guard let third = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[0].next() }) ?? nil else {
                Issue.record("nothing claimed")
                return
            }
            // A 429: the whole host pauses, for both workers.
            _ = await frontiers[0].complete(third, outcome: .hostBusy(retryAfter: .seconds(30)))
            status = try await RedisFixtures.status(server)
            #expect(status.pausedHosts == 1 && status.hostPauses == 1)
            #expect(status.nextResumeReason == "Retry-After")
            #expect((status.nextResumeMilliseconds ?? 0) > 20_000)
            #expect(status.doneByOutcome["waitTooLong"] == 1)
            let held = await RedisFixtures.bounded(.seconds(1)) { await frontiers[1].next() } ?? nil
            #expect(held == nil)
            let activity = await frontiers[1].activity
            #expect(activity.pausedHosts == 1 && activity.nextResumeReason == .retryAfter && activity.isStalled)
        }
    }

    @Test("Failures on distinct URLs of one host within the window pause it for every worker")
    func failuresPauseTheHost() async throws {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 4, maxRetries: 0, retryBackoff: .seconds(20), hostFailureThreshold: 3)
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(2, policy: policy) { server, frontiers in
            _ = await frontiers[0].addSeeds((0..<6).map { RedisFixtures.entry(host: 1, path: "/\($0)") })
            for index in 0..<3 {
                let worker = frontiers[index % 2]
                guard let entry = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await worker.next() }) ?? nil else {
                    Issue.record("nothing claimed")
                    return
                }
                _ = await worker.complete(entry, outcome: .transientFailure(latency: .zero))
            }
            let status = try await RedisFixtures.status(server)
            #expect(status.pausedHosts == 1 && status.nextResumeReason == "failures")
            #expect(status.queued == 3)
        }
    }

    @Test(
        "A robots.txt that fails once is tried again after a shared backoff; one failing three times gives its host up, its URLs counted as robotsUnavailable"
    )
    func robotsFailures() async throws {
        let fetches = LockedState<[String: Int]>([:])
        let fetcher: FrontierFactory.RobotsFetcher = { url in
            let count = fetches.withLock { counts -> Int in
                counts[url, default: 0] += 1
                return counts[url] ?? 0
            }
            if url.contains("h2.test") || count == 1 { return .response(status: 503, body: []) }
            return .response(status: 200, body: Array("User-agent: *\nDisallow: /private\n".utf8))
        }
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(2, robots: fetcher, configure: { $0.robotsRetryBackoff = .milliseconds(100) }) {
            server, frontiers in
            let entries =
                ["/a", "/private/x"].map { RedisFixtures.entry(host: 1, path: $0) }
                + ["/a", "/b"].map { RedisFixtures.entry(host: 2, path: $0) }
            _ = await frontiers[0].addSeeds(entries)
            let claimed = await RedisFixtures.drain(frontiers, tasks: 2)
            #expect(claimed.map(\.url) == ["http://h1.test:80/a"])
            #expect(fetches.withLock { $0 } == ["http://h1.test:80/robots.txt": 2, "http://h2.test:80/robots.txt": 3])
            let status = try await RedisFixtures.status(server)
            #expect(status.isFinished)
            #expect(status.givenUpHosts == 1)
            #expect(status.hostPauses == 3)
            #expect(status.robotsFetched == 1)
            // /private/x was refused by robots.txt; h2's two URLs were not crawled because its robots.txt failed.
            #expect(status.doneByOutcome["robotsDenied"] == 1)
            #expect(status.doneByOutcome["robotsUnavailable"] == 2)
            #expect(status.summary.contains("robotsDenied 1, robotsUnavailable 2"), "\(status.summary)")
            // Later URLs of the given-up host are refused and counted as robotsUnavailable too (as the
            // in-memory frontier counts them), in the shared status and in the worker's own counters.
            let before = await frontiers[1].counters
            #expect(await frontiers[1].add(contentsOf: [RedisFixtures.entry(host: 2, path: "/c")]) == [.robotsDenied])
            let after = try await RedisFixtures.status(server)
            #expect(after.doneByOutcome["robotsUnavailable"] == 3)
            #expect(after.pageLimited == 0)
            let counters = await frontiers[1].counters
            #expect(counters.robotsUnavailable == before.robotsUnavailable + 1)
            #expect(counters.robotsDenied == before.robotsDenied)
            #expect(counters.pageLimited == before.pageLimited)
        }
    }

    @Test("A host whose Crawl-delay (cut to 30 s) times its queue exceeds the time budget is given up, and its later URLs refused")
    func crawlDelayBudget() async throws {
        let fetcher: FrontierFactory.RobotsFetcher = { _ in .response(status: 200, body: Array("User-agent: *\nCrawl-delay: 100\n".utf8)) }
        let policy = PolitenessPolicy(hostTimeBudget: .seconds(60))
        let events = LockedState<[FrontierEvent]>([])
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(
            1, policy: policy, robots: fetcher,
            configure: { configuration in
                configuration.eventHandler = { event in events.withLock { $0.append(event) } }
            }
        ) { server, frontiers in
            _ = await frontiers[0].addSeeds([RedisFixtures.entry(host: 1, path: "/")])
            guard let seed = await RedisFixtures.bounded(RedisFixtures.hangGuard, { await frontiers[0].next() }) ?? nil else {
                Issue.record("nothing claimed: \(frontiers[0].redisErrors)")
                return
            }
            // The seed's links: 3 x 30 s is over the 60 s budget.
            let outcomes = await frontiers[0].add(contentsOf: (1...3).map { RedisFixtures.entry(host: 1, path: "/\($0)") })
            #expect(outcomes == [.queued, .queued, .queued])
            await frontiers[0].complete(seed, outcome: .success(latency: .zero))
            let status = try await RedisFixtures.status(server)
            #expect(status.givenUpHosts == 1 && status.droppedWithHost == 3)
            #expect(status.isFinished)
            #expect(
                events.withLock { $0 } == [
                    .hostGivenUp(
                        host: "http://h1.test:80", reason: .crawlDelay(.seconds(30), queued: 3, budget: .seconds(60)), droppedURLs: 3)
                ])
            #expect(await frontiers[0].add(contentsOf: [RedisFixtures.entry(host: 1, path: "/4")]) == [.pageLimitReached])
        }
    }

    @Test("With a delay, a URL whose claim fetched robots.txt goes back once: a small robots.txt cache still fetches every URL")
    func putBackOnceAfterRobots() async throws {
        let fetcher: FrontierFactory.RobotsFetcher = { _ in .response(status: 200, body: Array("User-agent: *\nDisallow: /private\n".utf8))
        }
        let policy = PolitenessPolicy(delay: .milliseconds(20))
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(1, policy: policy, robots: fetcher, configure: { $0.robotsCacheSize = 2 }) { _, frontiers in
            _ = await frontiers[0].addSeeds((0..<5).map { RedisFixtures.entry(host: $0, path: "/") })
            let fetched = await RedisFixtures.drain(frontiers, tasks: 1)
            #expect(fetched.count == 5)
            #expect(Set(fetched.map(\.url)).count == 5)
            // Each host's robots.txt fetched once, and again at most once when the small cache dropped it.
            #expect(await frontiers[0].counters.robotsFetched <= 10)
        }
    }

    @Test("Redis keeps at most robotsCacheSize robots.txt files (the oldest go first)")
    func storedRobotsBounded() async throws {
        let fetcher: FrontierFactory.RobotsFetcher = { _ in .response(status: 200, body: Array("User-agent: *\nDisallow: /private\n".utf8))
        }
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        try await RedisFixtures.withFrontiers(1, robots: fetcher, configure: { $0.robotsCacheSize = 2 }) { server, frontiers in
            _ = await frontiers[0].addSeeds((0..<5).map { RedisFixtures.entry(host: $0, path: "/") })
            #expect(await RedisFixtures.drain(frontiers, tasks: 1).count == 5)
            let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
            let url = try RedisFixtures.url(server, name: "test")
            let stored = try await connection.send("KEYS", url.keyPrefix + "robots:*").elements.count
            #expect(stored == 2)
            #expect(try await connection.send("ZCARD", url.keyPrefix + "robotsindex").int == 2)
        }
    }
}
