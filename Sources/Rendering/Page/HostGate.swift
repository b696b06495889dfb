/// Politeness for the requests of rendered pages: per host, at most
/// `perHost` at once and `delay` between starts, as the crawl's own fetches
/// (a rendered page's subrequests to its own host count like any fetch).
actor HostGate {
    private struct Host {
        var inFlight = 0
        var lastStart: ContinuousClock.Instant?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let perHost: Int
    private let delay: Duration
    private var hosts: [String: Host] = [:]

    /// - Parameters:
    ///   - perHost: requests to one host at once (at least 1).
    ///   - delay: the least time between two requests' starts to one host.
    init(perHost: Int, delay: Duration) {
        self.perHost = max(1, perHost)
        self.delay = delay
    }

    /// Hosts remembered at most; idle ones are forgotten past it.
    static let maxIdleHosts = 10_000

    /// Waits until a request to `host` may start, and counts it as started.
    func enter(_ host: String) async {
        if hosts.count > Self.maxIdleHosts { forgetIdleHosts() }
        while (hosts[host]?.inFlight ?? 0) >= perHost {
            await withCheckedContinuation { hosts[host, default: Host()].waiters.append($0) }
        }
        hosts[host, default: Host()].inFlight += 1
        if delay > .zero, let last = hosts[host]?.lastStart {
            let wait = last + delay - .now
            hosts[host]?.lastStart = max(.now, last + delay)
            if wait > .zero { try? await Task.sleep(for: wait) }
        } else {
            hosts[host]?.lastStart = .now
        }
    }

    /// Counts a request to `host` as done and lets the next waiting one start.
    func leave(_ host: String) {
        guard var entry = hosts[host] else { return }
        entry.inFlight -= 1
        if !entry.waiters.isEmpty {
            entry.waiters.removeFirst().resume()
            hosts[host] = entry
        } else if entry.inFlight == 0, delay == .zero || entry.lastStart.map({ .now - $0 >= delay }) ?? true {
            // An idle host costs nothing.
            hosts[host] = nil
        } else {
            hosts[host] = entry
        }
    }

    private func forgetIdleHosts() {
        let now = ContinuousClock.now
        hosts = hosts.filter { _, host in
            host.inFlight > 0 || !host.waiters.isEmpty || host.lastStart.map { now - $0 < delay } ?? false
        }
    }

    /// The `scheme://host:port` part of an absolute URL, lowercased (the whole URL when it has none).
    static func key(of url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return url.lowercased() }
        return (parts[0] + "//" + parts[2]).lowercased()
    }
}
