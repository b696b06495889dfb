import AsyncURL
import Rendering
import Testing

@Suite("HostGate: per-host limits for a rendering crawl's requests")
struct HostGateTests {
    @Test("Keys carry the scheme's default port, as the frontier's host keys do")
    func keys() {
        #expect(HostGate.key(of: "http://Example.com/a") == "http://example.com:80")
        #expect(HostGate.key(of: "https://example.com/a?b") == "https://example.com:443")
        #expect(HostGate.key(of: "http://user:pw@example.com:8080/") == "http://example.com:8080")
        #expect(HostGate.key(of: "http://[::1]/x") == "http://[::1]:80")
        #expect(HostGate.key(of: "http://[::1]:81/x") == "http://[::1]:81")
    }

    @Test("A Crawl-delay raises a host's delay, for a host in use and for a new one")
    func crawlDelay() async {
        let gate = HostGate(perHost: 1, delay: .milliseconds(10))
        await gate.enter("http://a.test:80")
        await gate.setCrawlDelay(.seconds(2), forHost: "http://a.test:80")
        await gate.setCrawlDelay(.seconds(3), forHost: "http://b.test:80")
        #expect(await gate.delay(forHost: "http://a.test:80") == .seconds(2))
        #expect(await gate.delay(forHost: "http://b.test:80") == .seconds(3))
        #expect(await gate.delay(forHost: "http://c.test:80") == .milliseconds(10))
        await gate.leave("http://a.test:80")
    }

    @Test("The delay runs from the later of the last start and the last end: an end while the next request waits moves its start")
    func delayFromLastEnd() async {
        let delay = Duration.milliseconds(500)
        let gate = HostGate(perHost: 2, delay: delay)
        let host = "http://a.test:80"
        let beforeFirst = ContinuousClock.now
        await gate.enter(host)
        // A second request may go alongside (2 per host) once the delay since the first start has passed.
        let second = Task {
            await gate.enter(host)
            return ContinuousClock.now
        }
        try? await Task.sleep(for: .milliseconds(100))
        let beforeEnd = ContinuousClock.now
        await gate.leave(host)
        let afterEnd = ContinuousClock.now
        let started = await second.value
        await gate.leave(host)
        // Lower bounds only. When the first ended within the delay since it
        // started (the usual case), the second could not go before that end,
        // and waited the delay from it, not from the first start; on a machine
        // so loaded that it ended later, the second may have gone alongside,
        // the delay after the first start.
        if afterEnd - beforeFirst < delay {
            #expect(started - beforeEnd >= delay)
        } else {
            #expect(started - beforeFirst >= delay)
        }
    }

    @Test("Crawl-delays of more hosts than the bound: memory stays bounded, a host in use keeps its delay")
    func crawlDelayBound() async {
        let gate = HostGate(perHost: 1, delay: .zero)
        await gate.enter("http://busy.test:80")
        await gate.setCrawlDelay(.seconds(5), forHost: "http://busy.test:80")
        let past = HostGate.maxCrawlDelays + HostGate.maxCrawlDelays / 2
        for index in 0..<past {
            await gate.setCrawlDelay(.seconds(1), forHost: "http://h\(index).test:80")
        }
        #expect(await gate.crawlDelayCount <= HostGate.maxCrawlDelays)
        #expect(await gate.delay(forHost: "http://busy.test:80") == .seconds(5))
        // The most recent ones are kept.
        #expect(await gate.delay(forHost: "http://h\(past - 1).test:80") == .seconds(1))
        await gate.leave("http://busy.test:80")
    }

    @Test("AutoThrottle: a latency moves the host's delay (a failure never lowers it); a host without one keeps its delay")
    func autoThrottle() async {
        let throttled = "http://slow.test:80"
        let gate = HostGate(
            limits: { _ in (4, .milliseconds(10)) },
            throttles: { host in
                host == throttled
                    ? HostGate.Throttle(startDelay: .zero) { current, latency, succeeded in
                        succeeded ? max(latency, (current + latency) / 2) : max(current, latency)
                    } : nil
            })
        await gate.enter(throttled)
        await gate.leave(throttled, latency: .milliseconds(400), succeeded: true)
        #expect(await gate.delay(forHost: throttled) == .milliseconds(400))
        await gate.enter(throttled)
        await gate.leave(throttled, latency: .milliseconds(100), succeeded: false)
        #expect(await gate.delay(forHost: throttled) == .milliseconds(400))
        await gate.enter("http://plain.test:80")
        await gate.leave("http://plain.test:80", latency: .seconds(3), succeeded: true)
        #expect(await gate.delay(forHost: "http://plain.test:80") == .milliseconds(10))
        #expect(
            HostGate.throttleSample(of: .failure(FetchError(kind: .blockedAddress, url: "x", message: "m")), latency: .seconds(1)) == nil)
    }
}
