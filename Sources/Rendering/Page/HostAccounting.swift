import AsyncURL

/// Where each request of a rendered page takes its place in its host's
/// politeness (concurrency and delay): a ``HostGate`` in this process, or a
/// frontier shared by many processes (see `HostSlotSharing` in `CrawlFrontier`).
package protocol HostAccounting: Sendable {
    /// Waits until a request to `host` may start, and counts it as started.
    /// - Parameters:
    ///   - host: the host's key (see ``HostGate/key(of:)``).
    ///   - deadline: when to stop waiting.
    /// - Returns: the pass to give back with ``leave(_:latency:succeeded:)``; `nil`
    ///   when the request may not start before `deadline` (it is refused).
    func enter(_ host: String, until deadline: ContinuousClock.Instant) async -> HostPass?

    /// Counts a request as done.
    /// - Parameters:
    ///   - pass: what ``enter(_:until:)`` gave.
    ///   - latency: how long it took, `nil` when it got no response (for AutoThrottle).
    ///   - succeeded: whether the response was a success (for AutoThrottle).
    func leave(_ pass: HostPass, latency: Duration?, succeeded: Bool) async
}

/// A request's place in its host's accounting, from ``HostAccounting/enter(_:until:)``.
package struct HostPass: Sendable, Hashable {
    /// The host's key.
    package var host: String
    /// Names a slot taken elsewhere; empty when there is none to give back by name.
    package var token: String

    /// - Parameters:
    ///   - host: the host's key.
    ///   - token: names a slot taken elsewhere; empty when there is none.
    package init(host: String, token: String = "") {
        self.host = host
        self.token = token
    }
}

extension HostGate: HostAccounting {
    /// Waits for the host's turn (without a deadline: nothing holds a slot of
    /// this gate for long, a page's fetch gives its slot back before it renders).
    package func enter(_ host: String, until deadline: ContinuousClock.Instant) async -> HostPass? {
        await enter(host)
        return HostPass(host: host)
    }

    package func leave(_ pass: HostPass, latency: Duration?, succeeded: Bool) async {
        leave(pass.host, latency: latency, succeeded: succeeded)
    }

    /// What a request's result tells AutoThrottle, as the crawl's page fetches
    /// do: a success, or a failure (5xx, a transient transport error) that may
    /// only raise the delay; `nil` for a 429 or 503 (they pause instead) and for
    /// requests that never reached the host.
    /// - Parameters:
    ///   - result: the request's response or error.
    ///   - latency: how long it took.
    /// - Returns: the latency and whether it counts as a success, or `nil`.
    package static func throttleSample(of result: Result<Response, FetchError>, latency: Duration) -> (latency: Duration, succeeded: Bool)?
    {
        switch result {
        case .success(let response) where response.status == 429 || response.status == 503: nil
        case .success(let response): (latency, response.status < 500)
        case .failure(let error): error.isTransient ? (latency, false) : nil
        }
    }
}
