/// Per-host politeness for every request a crawl sends while it renders:
/// at most a host's concurrency at once and its delay between starts, over
/// the pages the crawler fetches, their robots.txt and the requests of the
/// rendered pages together (a crawl with rendering sends all of them through
/// one gate, so a page's subrequests and other pages' fetches to the same
/// host never exceed the host's limits together).
package actor HostGate {
    /// A host's concurrency (at least 1) and delay, by its key (`scheme://host:port`).
    package typealias Limits = @Sendable (String) -> (perHost: Int, delay: Duration)
    /// A host's AutoThrottle, by its key: `nil` without one.
    package typealias Throttles = @Sendable (String) -> Throttle?

    /// AutoThrottle for a host's requests (as `AutoThrottle` in `CrawlFrontier` does it):
    /// the delay it starts with, and the next delay after a response.
    package struct Throttle: Sendable {
        /// The delay before any response was seen.
        package var startDelay: Duration
        /// The next delay from the current one, a response's latency, and whether it succeeded.
        package var adjusted: @Sendable (_ current: Duration, _ latency: Duration, _ succeeded: Bool) -> Duration

        /// - Parameters:
        ///   - startDelay: the delay before any response was seen.
        ///   - adjusted: the next delay from the current one, a latency, and whether the response succeeded.
        package init(
            startDelay: Duration, adjusted: @escaping @Sendable (_ current: Duration, _ latency: Duration, _ succeeded: Bool) -> Duration
        ) {
            self.startDelay = startDelay
            self.adjusted = adjusted
        }
    }

    private struct Host {
        var inFlight = 0
        /// When the last request started.
        var lastStart: ContinuousClock.Instant?
        /// When the last request ended.
        var lastEnd: ContinuousClock.Instant?
        /// The later of the last start and the last end: the delay runs from there (as the frontier's does).
        var lastActivity: ContinuousClock.Instant? {
            switch (lastStart, lastEnd) {
            case (let start?, let end?): max(start, end)
            case (let start, let end): start ?? end
            }
        }
        var waiters: [CheckedContinuation<Void, Never>] = []
        let perHost: Int
        var delay: Duration
        let throttle: Throttle?
        /// AutoThrottle's delay now (with ``throttle``): the host's requests are spaced by the longer of it and ``delay``.
        var throttleDelay: Duration
        var spacing: Duration { max(delay, throttleDelay) }
    }

    private let limits: Limits
    private let throttles: Throttles
    private var hosts: [String: Host] = [:]
    /// Hosts' `Crawl-delay` (see ``setCrawlDelay(_:forHost:)``), kept while their records come and go.
    /// Past ``maxCrawlDelays`` only those of hosts with a record stay (bounded memory; a
    /// forgotten idle host's requests are spaced by the crawl's delay until it is told again).
    private var crawlDelays: [String: Duration] = [:]

    /// Hosts whose `Crawl-delay` is remembered at most, besides those with requests in flight or waiting.
    package static let maxCrawlDelays = 100_000

    /// - Parameters:
    ///   - limits: each host's concurrency and delay.
    ///   - throttles: each host's AutoThrottle (fed by the latencies given to
    ///     ``leave(_:latency:succeeded:)``); none by default.
    package init(limits: @escaping Limits, throttles: @escaping Throttles = { _ in nil }) {
        self.limits = limits
        self.throttles = throttles
    }

    /// - Parameters:
    ///   - perHost: requests to one host at once (at least 1).
    ///   - delay: the least time between two requests' starts to one host.
    package init(perHost: Int, delay: Duration) {
        self.init(limits: { _ in (perHost, delay) })
    }

    private func newHost(_ key: String) -> Host {
        let (perHost, delay) = limits(key)
        let throttle = throttles(key)
        return Host(
            perHost: max(1, perHost), delay: max(.zero, delay, crawlDelays[key] ?? .zero), throttle: throttle,
            throttleDelay: throttle?.startDelay ?? .zero)
    }

    /// Hosts whose `Crawl-delay` is remembered (for tests of the bound).
    package var crawlDelayCount: Int { crawlDelays.count }

    /// The delay a new request to `host` waits after the last one (for tests).
    /// - Parameter host: the host's key (see ``key(of:)``).
    package func delay(forHost host: String) -> Duration {
        hosts[host]?.spacing ?? newHost(host).spacing
    }

    /// Spaces the requests to a host at least `delay` apart from now on (its
    /// robots.txt `Crawl-delay`, as the frontier honours it for the pages).
    /// - Parameters:
    ///   - delay: the host's `Crawl-delay`.
    ///   - host: the host's key (see ``key(of:)``).
    package func setCrawlDelay(_ delay: Duration, forHost host: String) {
        if crawlDelays.count >= Self.maxCrawlDelays { crawlDelays = crawlDelays.filter { hosts[$0.key] != nil } }
        crawlDelays[host] = delay
        if var entry = hosts[host] {
            entry.delay = max(entry.delay, delay)
            hosts[host] = entry
        }
    }

    /// Hosts remembered at most; idle ones are forgotten past it.
    static let maxIdleHosts = 10_000

    /// Waits until a request to `host` (a key from ``key(of:)``) may start, and counts it as started.
    ///
    /// A request starts once the host has a free slot and its delay has
    /// passed since the later of the last start and the last end, both
    /// checked when it starts (a request that ends while another waits for
    /// its delay moves that one's start, as in the frontier). A cancelled
    /// task starts at once.
    package func enter(_ host: String) async {
        if hosts.count > Self.maxIdleHosts { forgetIdleHosts() }
        if hosts[host] == nil { hosts[host] = newHost(host) }
        var turnTaken = false
        while true {
            let entry = hosts[host] ?? newHost(host)
            if entry.inFlight >= entry.perHost {
                await withCheckedContinuation { continuation in
                    // One resumed by a leave but beaten to the slot keeps its turn.
                    var waiting = hosts[host] ?? newHost(host)
                    waiting.waiters.insert(continuation, at: turnTaken ? 0 : waiting.waiters.count)
                    hosts[host] = waiting
                }
                turnTaken = true
                continue
            }
            let now = ContinuousClock.now
            if let ready = entry.lastActivity.map({ $0 + entry.spacing }), ready > now, !Task.isCancelled {
                try? await Task.sleep(for: ready - now)
                continue
            }
            var started = entry
            started.inFlight += 1
            started.lastStart = now
            hosts[host] = started
            return
        }
    }

    /// Counts a request to `host` as done and lets the next waiting one start;
    /// its `latency` (`nil`: it got no response) moves the host's AutoThrottle delay.
    /// - Parameters:
    ///   - host: the host's key (see ``key(of:)``).
    ///   - latency: how long the request took, `nil` when it got no response.
    ///   - succeeded: whether the response was a success (a failure may only raise the delay).
    package func leave(_ host: String, latency: Duration?, succeeded: Bool) {
        guard var entry = hosts[host] else { return }
        if let throttle = entry.throttle, let latency { entry.throttleDelay = throttle.adjusted(entry.throttleDelay, latency, succeeded) }
        entry.inFlight -= 1
        entry.lastEnd = ContinuousClock.now
        if !entry.waiters.isEmpty {
            entry.waiters.removeFirst().resume()
            hosts[host] = entry
        } else if entry.inFlight == 0, entry.delay == .zero, entry.throttle == nil {
            // An idle host costs nothing.
            hosts[host] = nil
        } else {
            hosts[host] = entry
        }
    }

    /// Counts a request to `host` as done, without a latency (see ``leave(_:latency:succeeded:)``).
    /// - Parameter host: the host's key (see ``key(of:)``).
    package func leave(_ host: String) {
        leave(host, latency: nil, succeeded: false)
    }

    private func forgetIdleHosts() {
        let now = ContinuousClock.now
        hosts = hosts.filter { _, host in
            host.inFlight > 0 || !host.waiters.isEmpty || host.lastActivity.map { now - $0 < host.spacing } ?? false
        }
    }

    /// The `scheme://host:port` part of an absolute URL, lowercased, with the
    /// scheme's default port written out as the frontier's host keys have it (the
    /// whole URL when it has none).
    package static func key(of url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return url.lowercased() }
        let scheme = parts[0].lowercased()
        var authority = parts[2].lowercased()
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        // A port follows the host, after the `]` of an IPv6 address.
        let afterHost = authority.lastIndex(of: "]").map { authority[$0...] } ?? authority[...]
        if !afterHost.contains(":") {
            if scheme == "http:" { authority += ":80" } else if scheme == "https:" { authority += ":443" }
        }
        return scheme + "//" + authority
    }
}
