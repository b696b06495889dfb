import CrawlFrontier
import Testing

@Suite("Per-host politeness (HostScheduler, injected clock)")
struct HostSchedulerTests {
    private let t0 = ContinuousClock.now

    private func entry(_ host: String, _ path: String, depth: Int = 0, priority: Int = 0) -> FrontierEntry {
        let url = "http://\(host)\(path)"
        return FrontierEntry(
            url: url, fingerprint: UInt64(truncatingIfNeeded: url.hashValue), hostKey: "http://\(host):80", depth: depth, priority: priority
        )
    }

    /// Takes everything that may go at `now`.
    private func drain(_ scheduler: inout HostScheduler, at now: ContinuousClock.Instant) -> [FrontierEntry] {
        var taken: [FrontierEntry] = []
        while let next = scheduler.next(now: now) { taken.append(next) }
        return taken
    }

    @Test("An idle host's record goes once its delay is over; a host with state to keep (a Crawl-delay) keeps it")
    func idleHostRecordsGo() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 1, delay: .seconds(1)))
        scheduler.setCrawlDelay(.seconds(2), forHost: "http://slow.test:80")
        for index in 0..<10_000 { scheduler.enqueue(entry("h\(index).test", "/")) }
        scheduler.enqueue(entry("slow.test", "/"))
        let taken = drain(&scheduler, at: t0)
        #expect(taken.count == 10_001)
        for entry in taken { _ = scheduler.complete(entry, outcome: .success(latency: .milliseconds(5)), now: t0) }
        // Within the delay the records stay: a new URL of the host must still wait.
        #expect(drain(&scheduler, at: t0).isEmpty)
        #expect(scheduler.hostCount == 10_001)
        // Past it, nothing is left to remember but the Crawl-delay.
        #expect(drain(&scheduler, at: t0 + .seconds(3)).isEmpty)
        #expect(scheduler.hostCount == 1)
        #expect(scheduler.crawlDelay(ofHost: "http://slow.test:80") == .seconds(2))
        // A host that comes back gets a new record and is polite from then on.
        scheduler.enqueue(entry("h1.test", "/again"))
        scheduler.enqueue(entry("h1.test", "/more"))
        #expect(drain(&scheduler, at: t0 + .seconds(3)).count == 1)
        #expect(scheduler.isIdle == false)
    }

    @Test("Per-host concurrency never goes above the limit")
    func concurrency() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 2))
        for index in 0..<5 { scheduler.enqueue(entry("a", "/\(index)")) }
        let first = drain(&scheduler, at: t0)
        #expect(first.count == 2)
        #expect(scheduler.nextEventTime(now: t0) == nil)
        _ = scheduler.complete(first[0], outcome: .success(latency: .milliseconds(5)), now: t0)
        #expect(drain(&scheduler, at: t0).count == 1)
        #expect(scheduler.inFlightCount == 2)
        #expect(scheduler.queuedCount == 2)
    }

    @Test("The delay separates the starts of two requests to one host")
    func delay() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 10, delay: .seconds(2)))
        for index in 0..<3 { scheduler.enqueue(entry("a", "/\(index)")) }
        #expect(drain(&scheduler, at: t0).count == 1)
        #expect(scheduler.nextEventTime(now: t0) == t0 + .seconds(2))
        #expect(drain(&scheduler, at: t0 + .milliseconds(1999)).isEmpty)
        #expect(drain(&scheduler, at: t0 + .seconds(2)).count == 1)
        #expect(drain(&scheduler, at: t0 + .seconds(4)).count == 1)
    }

    @Test("A robots.txt Crawl-delay applies when longer than the policy's delay")
    func crawlDelay() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 10, delay: .seconds(1)))
        scheduler.setCrawlDelay(.seconds(5), forHost: "http://slow:80")
        for index in 0..<2 {
            scheduler.enqueue(entry("slow", "/\(index)"))
            scheduler.enqueue(entry("fast", "/\(index)"))
        }
        #expect(drain(&scheduler, at: t0).count == 2)
        #expect(drain(&scheduler, at: t0 + .seconds(1)).map(\.hostKey) == ["http://fast:80"])
        #expect(drain(&scheduler, at: t0 + .seconds(5)).map(\.hostKey) == ["http://slow:80"])
    }

    @Test("Hosts take turns: a huge host does not starve a small one")
    func fairness() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 1000))
        for index in 0..<100 { scheduler.enqueue(entry("huge", "/\(index)")) }
        for index in 0..<3 { scheduler.enqueue(entry("small", "/\(index)")) }
        let order = drain(&scheduler, at: t0).prefix(6).map(\.hostKey)
        #expect(order == ["http://huge:80", "http://small:80", "http://huge:80", "http://small:80", "http://huge:80", "http://small:80"])
    }

    @Test("Breadth-first within a host, and priorities first")
    func ordering() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 100))
        scheduler.enqueue(entry("a", "/deep", depth: 3))
        scheduler.enqueue(entry("a", "/mid", depth: 1))
        scheduler.enqueue(entry("a", "/seed", depth: 0))
        scheduler.enqueue(entry("a", "/mid2", depth: 1))
        scheduler.enqueue(entry("a", "/urgent", depth: 5, priority: 10))
        #expect(
            drain(&scheduler, at: t0).map(\.url) == ["http://a/urgent", "http://a/seed", "http://a/mid", "http://a/mid2", "http://a/deep"])
    }

    @Test("A 503's Retry-After delays that URL only: its host's other URLs go at once")
    func retryAfterDelaysTheURLOnly() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 4))
        scheduler.enqueue(entry("busy", "/page"))
        scheduler.enqueue(entry("busy", "/other"))
        scheduler.enqueue(entry("calm", "/page"))
        let first = drain(&scheduler, at: t0)
        #expect(first.count == 3)
        let busyPage = first.first { $0.url == "http://busy/page" }
        guard let busyPage else {
            Issue.record("no busy page")
            return
        }
        #expect(scheduler.complete(busyPage, outcome: .retryAfter(.seconds(30)), now: t0) == .retryScheduled(at: t0 + .seconds(30)))
        scheduler.enqueue(entry("busy", "/next"))
        scheduler.enqueue(entry("calm", "/next"))
        #expect(Set(drain(&scheduler, at: t0 + .seconds(10)).map(\.url)) == ["http://busy/next", "http://calm/next"])
        #expect(scheduler.pausedHosts(now: t0 + .seconds(10)).isEmpty)
        #expect(scheduler.retryingCount == 1)
        #expect(scheduler.nextEventTime(now: t0 + .seconds(10)) == t0 + .seconds(30))
        let retried = drain(&scheduler, at: t0 + .seconds(30))
        #expect(retried.map(\.url) == ["http://busy/page"])
        #expect(retried.first?.attempt == 1)
    }

    @Test("429 pauses the whole host until its Retry-After; other hosts go on")
    func tooManyRequestsPausesTheHost() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 4))
        scheduler.enqueue(entry("busy", "/page"))
        scheduler.enqueue(entry("calm", "/page"))
        let first = drain(&scheduler, at: t0)
        guard let busyPage = first.first(where: { $0.url == "http://busy/page" }) else {
            Issue.record("no busy page")
            return
        }
        #expect(
            scheduler.complete(busyPage, outcome: .hostBusy(retryAfter: .seconds(30)), now: t0) == .retryScheduled(at: t0 + .seconds(30)))
        scheduler.enqueue(entry("busy", "/next"))
        scheduler.enqueue(entry("calm", "/next"))
        #expect(drain(&scheduler, at: t0 + .seconds(10)).map(\.url) == ["http://calm/next"])
        #expect(
            scheduler.pausedHosts(now: t0 + .seconds(10)) == ["http://busy:80": HostPause(until: t0 + .seconds(30), reason: .retryAfter)])
        #expect(scheduler.pauseCount == 1)
        #expect(scheduler.nextEventTime(now: t0 + .seconds(10)) == t0 + .seconds(30))
        #expect(Set(drain(&scheduler, at: t0 + .seconds(30)).map(\.url)) == ["http://busy/page", "http://busy/next"])
        #expect(scheduler.pausedHosts(now: t0 + .seconds(30)).isEmpty)
    }

    @Test("A wait over maxRetryWait is not retried: the URL comes back with the wait it asked for; a 429's host pause is cut to the cap")
    func waitOverTheCap() {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 4, maxRetryWait: .seconds(60)))
        scheduler.enqueue(entry("a", "/503"))
        scheduler.enqueue(entry("b", "/429"))
        let taken = drain(&scheduler, at: t0)
        guard taken.count == 2 else {
            Issue.record("\(taken)")
            return
        }
        #expect(scheduler.complete(taken[0], outcome: .retryAfter(.seconds(120)), now: t0) == .waitTooLong(asked: .seconds(120)))
        #expect(
            scheduler.complete(taken[1], outcome: .hostBusy(retryAfter: .seconds(3600)), now: t0) == .waitTooLong(asked: .seconds(3600)))
        #expect(scheduler.pause(ofHost: "http://b:80", now: t0)?.until == t0 + .seconds(60))
        #expect(scheduler.pause(ofHost: "http://a:80", now: t0) == nil)
        #expect(scheduler.isIdle)
    }

    @Test("Failures on 5 distinct URLs of a host within 30 s pause it; fewer, a success between, or a slower pace do not")
    func failuresOnSeveralURLsPauseTheHost() {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 10, maxRetries: 0, retryBackoff: .seconds(4))
        var scheduler = HostScheduler(policy: policy)
        func fail(_ path: String, at now: ContinuousClock.Instant, outcome: HostScheduler.Outcome = .transientFailure(latency: .zero)) {
            scheduler.enqueue(entry("a", path))
            guard let taken = scheduler.next(now: now) else {
                Issue.record("\(path) not handed out")
                return
            }
            _ = scheduler.complete(taken, outcome: outcome, now: now)
        }
        // The same URL failing again and again is one URL.
        for _ in 0..<6 { fail("/same", at: t0) }
        #expect(scheduler.pauseCount == 0)
        fail("/reset", at: t0, outcome: .success(latency: .zero))
        // Four distinct URLs, a success, four more: no pause.
        for index in 0..<4 { fail("/first-\(index)", at: t0) }
        fail("/fine", at: t0, outcome: .success(latency: .zero))
        for index in 0..<4 { fail("/second-\(index)", at: t0) }
        #expect(scheduler.pauseCount == 0)
        // Spread over more than the window: no pause.
        fail("/late", at: t0 + .seconds(31))
        #expect(scheduler.pauseCount == 0)
        for index in 0..<4 { fail("/burst-\(index)", at: t0 + .seconds(32)) }
        #expect(scheduler.pauseCount == 1)
        #expect(scheduler.pause(ofHost: "http://a:80", now: t0 + .seconds(32)) == HostPause(until: t0 + .seconds(36), reason: .failures))
        scheduler.enqueue(entry("a", "/waits"))
        #expect(scheduler.next(now: t0 + .seconds(35)) == nil)
        #expect(scheduler.next(now: t0 + .seconds(36))?.url == "http://a/waits")
    }

    @Test("Crawl-delay is cut to maxCrawlDelay; a host whose Crawl-delay times its URLs exceed the budget is given up")
    func crawlDelayCapAndBudget() {
        let policy = PolitenessPolicy(maxCrawlDelay: .seconds(30), hostTimeBudget: .seconds(300))
        var scheduler = HostScheduler(policy: policy)
        scheduler.setCrawlDelay(.seconds(86_400), forHost: "http://slow:80")
        #expect(scheduler.crawlDelay(ofHost: "http://slow:80") == .seconds(30))
        for index in 0..<10 { scheduler.enqueue(entry("slow", "/\(index)")) }
        #expect(!scheduler.exceedsTimeBudget("http://slow:80"))
        scheduler.enqueue(entry("slow", "/10"))
        #expect(scheduler.exceedsTimeBudget("http://slow:80"))
        let dropped = scheduler.giveUp(host: "http://slow:80")
        #expect(dropped.count == 11)
        let queuedAfter = scheduler.enqueue(entry("slow", "/11"))
        #expect(!queuedAfter)
        #expect(scheduler.isIdle && scheduler.givenUpHostCount == 1)
    }

    @Test("Transient failures back off exponentially, bounded, then give up")
    func backoff() {
        let policy = PolitenessPolicy(maxConcurrencyPerHost: 1, maxRetries: 3, retryBackoff: .seconds(1), maxRetryBackoff: .seconds(3))
        #expect([1, 2, 3, 4].map(policy.backoff(beforeRetry:)) == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
        var scheduler = HostScheduler(policy: policy)
        scheduler.enqueue(entry("flaky", "/"))
        var now = t0
        var waits: [Duration] = []
        while let next = scheduler.next(now: now) {
            switch scheduler.complete(next, outcome: .transientFailure(latency: .zero), now: now) {
            case .retryScheduled(let at):
                waits.append(at - now)
                #expect(scheduler.next(now: now) == nil)
                now = at
            case .gaveUp:
                #expect(next.attempt == 3)
            case .done, .waitTooLong, .claimLost:
                Issue.record("a failure was recorded as done")
            }
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(3)])
        #expect(scheduler.isIdle)
    }

    @Test("Permanent failures are not retried")
    func permanent() {
        var scheduler = HostScheduler()
        scheduler.enqueue(entry("a", "/gone"))
        guard let taken = scheduler.next(now: t0) else {
            Issue.record("nothing handed out")
            return
        }
        #expect(scheduler.complete(taken, outcome: .permanentFailure, now: t0) == .done)
        #expect(scheduler.isIdle)
    }

    @Test("AutoThrottle follows latency and errors never lower the delay")
    func autoThrottle() {
        let throttle = AutoThrottle(
            targetConcurrency: 1, startDelay: .seconds(1), minimumDelay: .milliseconds(100), maximumDelay: .seconds(10))
        let slower = throttle.adjusted(.seconds(1), latency: .seconds(3), succeeded: true)
        #expect(slower == .seconds(3))
        let faster = throttle.adjusted(.seconds(4), latency: .seconds(1), succeeded: true)
        #expect(faster == .milliseconds(2500))
        #expect(throttle.adjusted(.seconds(4), latency: .seconds(1), succeeded: false) == .seconds(4))
        #expect(throttle.adjusted(.seconds(1), latency: .seconds(100), succeeded: true) == .seconds(10))
        #expect(throttle.adjusted(.zero, latency: .zero, succeeded: true) == .milliseconds(100))

        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 5, autoThrottle: throttle))
        for index in 0..<3 { scheduler.enqueue(entry("a", "/\(index)")) }
        guard let first = scheduler.next(now: t0) else {
            Issue.record("nothing handed out")
            return
        }
        #expect(scheduler.next(now: t0) == nil)
        _ = scheduler.complete(first, outcome: .success(latency: .seconds(3)), now: t0 + .seconds(3))
        // The 3 s delay the latency asked for runs from the end of that request.
        #expect(scheduler.next(now: t0 + .seconds(5)) == nil)
        #expect(scheduler.next(now: t0 + .seconds(6)) != nil)
    }
}

extension HostSchedulerTests {
    /// A scheduler for one request at a time per host, 1 s apart, with two URLs of one host; the first handed out at `t0`.
    private func oneHostWithTwoURLs() throws -> (HostScheduler, FrontierEntry) {
        var scheduler = HostScheduler(policy: PolitenessPolicy(maxConcurrencyPerHost: 1, delay: .seconds(1)))
        for index in 0..<2 { scheduler.enqueue(entry("a", "/\(index)")) }
        let next = scheduler.next(now: t0)
        let first = try #require(next)
        return (scheduler, first)
    }

    @Test("The delay runs from the end of a slow request, not only from its start")
    func delayAfterEnd() throws {
        var (scheduler, first) = try oneHostWithTwoURLs()
        _ = scheduler.complete(first, outcome: .success(latency: .seconds(5)), now: t0 + .seconds(5))
        #expect(scheduler.next(now: t0 + .milliseconds(5_900)) == nil)
        #expect(scheduler.next(now: t0 + .seconds(6)) != nil)
    }
}

extension HostSchedulerTests {
    @Test("A slot freed when the response came lets the host's next URL go (after the delay) while the first is still in flight")
    func releasedSlot() throws {
        var (scheduler, first) = try oneHostWithTwoURLs()
        #expect(scheduler.next(now: t0 + .seconds(5)) == nil)
        let released = scheduler.releaseSlot(of: first, outcome: .success(latency: .seconds(1)), now: t0 + .seconds(1))
        #expect(released)
        // The delay runs from the release; the first URL still counts as in flight.
        #expect(scheduler.next(now: t0 + .milliseconds(1_900)) == nil)
        let second = scheduler.next(now: t0 + .seconds(2))
        #expect(second != nil)
        #expect(scheduler.inFlightCount == 2)
        _ = scheduler.complete(first, outcome: .success(latency: .seconds(1)), now: t0 + .seconds(3), slotReleased: true)
        #expect(scheduler.inFlightCount == 1 && !scheduler.isIdle)
        if let second { _ = scheduler.complete(second, outcome: .success(latency: .seconds(1)), now: t0 + .seconds(3)) }
        #expect(scheduler.inFlightCount == 0 && scheduler.isIdle)
        // A URL whose host has nothing in flight frees nothing.
        let releasedAgain = scheduler.releaseSlot(of: first, outcome: .success(latency: .zero), now: t0 + .seconds(4))
        #expect(!releasedAgain)
    }
}
