import CrawlFrontier
import Testing

@Suite("Per-host settings: rules, matching, the scheduler's limits")
struct HostSettingsTests {
    private let t0 = ContinuousClock.now

    private func entry(_ host: String, _ path: String) -> FrontierEntry {
        let url = "http://\(host)\(path)"
        return FrontierEntry(url: url, fingerprint: UInt64(truncatingIfNeeded: url.hashValue), hostKey: "http://\(host):80")
    }

    /// Queues `count` URLs on each host, alternating.
    private func enqueue(_ hosts: [String], count: Int, into scheduler: inout HostScheduler) {
        for index in 0..<count {
            for host in hosts { scheduler.enqueue(entry(host, "/\(index)")) }
        }
    }

    /// Takes everything that may go at `now`.
    private func drain(_ scheduler: inout HostScheduler, at now: ContinuousClock.Instant) -> [FrontierEntry] {
        var taken: [FrontierEntry] = []
        while let next = scheduler.next(now: now) { taken.append(next) }
        return taken
    }

    @Test("The command line's form is read; bad rules are refused with the reason")
    func parsing() throws {
        let rule = try HostSettingsRule(parsing: "*.Example.com:per-host=4,delay=0.5,autothrottle=off,user-agent=Bot/1.0 (a, b; c=d)")
        #expect(rule.pattern.description == "*.example.com")
        #expect(
            rule.settings
                == HostSettings(maxConcurrency: 4, delay: .milliseconds(500), autoThrottle: false, userAgent: "Bot/1.0 (a, b; c=d)"))
        #expect(try HostSettingsRule(parsing: "[::1]:per-host=3").pattern.name == "[::1]")
        for bad in [
            "example.com", "example.com:", "example.com:per-host=0", "example.com:delay=-1", "example.com:speed=9",
            "example.com:autothrottle=maybe", "exa mple.com:per-host=1", "*.:delay=1", "a.*.com:delay=1", "x:user-agent="
        ] {
            #expect(throws: HostSettingsSyntaxError.self, "\(bad)") { try HostSettingsRule(parsing: bad) }
        }
    }

    @Test("A host takes its most specific rule: exact, then the longest *.domain; ports and schemes do not matter")
    func matching() throws {
        let table = HostSettingsTable(
            try [
                "*.example.com:per-host=2", "*.a.example.com:per-host=3", "b.a.example.com:per-host=4", "*.example.com:delay=1"
            ].map { try HostSettingsRule(parsing: $0) })
        #expect(table.settings(forHostKey: "https://x.example.com:443")?.maxConcurrency == 2)
        #expect(table.settings(forHostKey: "https://x.example.com:443")?.delay == .seconds(1))
        #expect(table.settings(forHostKey: "http://c.a.example.com:80")?.maxConcurrency == 3)
        #expect(table.settings(forHostKey: "http://B.A.example.com:8080/robots.txt")?.maxConcurrency == 4)
        #expect(table.settings(forHostKey: "http://example.com:80") == nil)
        #expect(table.settings(forHostKey: "http://notexample.com:80") == nil)
        #expect(HostSettingsTable().settings(forHostKey: "http://example.com:80") == nil)
    }

    @Test("The scheduler gives a ruled host its own concurrency and delay; others keep the policy's")
    func scheduler() throws {
        var policy = PolitenessPolicy(maxConcurrencyPerHost: 1, delay: .seconds(10))
        policy.hostSettings = HostSettingsTable([try HostSettingsRule(parsing: "fast:per-host=3,delay=0")])
        var scheduler = HostScheduler(policy: policy)
        enqueue(["slow", "fast"], count: 5, into: &scheduler)
        let taken = drain(&scheduler, at: t0)
        #expect(taken.filter { $0.hostKey == "http://fast:80" }.count == 3)
        #expect(taken.filter { $0.hostKey == "http://slow:80" }.count == 1)
        for done in taken { _ = scheduler.complete(done, outcome: .success(latency: .zero), now: t0) }
        // The fast host has no delay; the slow one waits its 10 s.
        let again = drain(&scheduler, at: t0 + .seconds(1))
        #expect(again.map(\.hostKey) == Array(repeating: "http://fast:80", count: 2))
    }

    @Test("AutoThrottle can be turned on or off for one host")
    func autoThrottle() throws {
        var policy = PolitenessPolicy(maxConcurrencyPerHost: 1, autoThrottle: AutoThrottle(startDelay: .seconds(5)))
        policy.hostSettings = HostSettingsTable([try HostSettingsRule(parsing: "quick:autothrottle=off")])
        #expect(policy.limits(forHost: "http://quick:80").autoThrottle == nil)
        #expect(policy.limits(forHost: "http://other:80").autoThrottle?.startDelay == .seconds(5))
        var plain = PolitenessPolicy()
        plain.hostSettings = HostSettingsTable([try HostSettingsRule(parsing: "careful:autothrottle=on")])
        #expect(plain.limits(forHost: "http://careful:80").autoThrottle == AutoThrottle())
        var scheduler = HostScheduler(policy: policy)
        enqueue(["quick", "other"], count: 2, into: &scheduler)
        let taken = drain(&scheduler, at: t0)
        for done in taken { _ = scheduler.complete(done, outcome: .success(latency: .milliseconds(10)), now: t0) }
        // The throttled host waits its AutoThrottle delay; the other goes on at once.
        let again = drain(&scheduler, at: t0 + .milliseconds(1))
        #expect(again.map(\.hostKey) == ["http://quick:80"])
    }
}
