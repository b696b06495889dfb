/// A frontier whose per-host slots requests outside its own claims can take
/// too (a rendered page's subrequests), so that those requests and the
/// frontier's page fetches keep the host's concurrency and delay together,
/// however many processes share the frontier.
///
/// A claimed page holds its host's slot until its lease ends, after it is
/// rendered. Its fetch is done by then: while it renders its slot is set
/// aside (``setClaimedSlotAside(_:)``) for the requests of any page, its own
/// included, and taken back before the lease ends. (Held through the render,
/// two pages of two hosts, each host at one request at a time, would wait for
/// each other's slot: each page's subrequests to the other host.)
package protocol HostSlotSharing: Sendable {
    /// Waits until a request to `hostKey` may start and takes one of its
    /// slots: a free one, and the host's delay since its last start (the
    /// host's last start is now).
    /// - Parameters:
    ///   - hostKey: `scheme://host:port`.
    ///   - deadline: when to stop waiting.
    /// - Returns: the slot to give back, or `nil` when none came before `deadline` (or the shared state is unreachable).
    func takeHostSlot(_ hostKey: String, until deadline: ContinuousClock.Instant) async -> HostSlot?

    /// Gives a slot back; `latency` (with whether the response succeeded) feeds the host's AutoThrottle.
    /// A slot from ``setClaimedSlotAside(_:)`` is taken back by its claim instead.
    /// - Parameters:
    ///   - slot: a slot from ``takeHostSlot(_:until:)`` or ``setClaimedSlotAside(_:)``.
    ///   - latency: how long the request took, `nil` when it got no response.
    ///   - succeeded: whether the response was a success.
    func returnHostSlot(_ slot: HostSlot, latency: Duration?, succeeded: Bool) async

    /// Frees the slot a claimed page of `hostKey` holds, its fetch done, while it renders.
    /// - Parameter hostKey: the claimed page's host, `scheme://host:port`.
    /// - Returns: what to give to ``returnHostSlot(_:latency:succeeded:)`` before the page's
    ///   lease ends (its claim takes the slot back); `nil` when the shared state is unreachable.
    func setClaimedSlotAside(_ hostKey: String) async -> HostSlot?

    /// Records that a claimed page's fetch to `hostKey` starts now: the
    /// host's delay runs from here for the requests that follow.
    /// - Parameter hostKey: `scheme://host:port`.
    func markFetchStart(_ hostKey: String) async
}

/// A slot of a host taken through ``HostSlotSharing``.
package struct HostSlot: Sendable, Hashable {
    /// The host's `scheme://host:port`.
    package var hostKey: String
    /// Names the slot.
    package var token: String

    /// - Parameters:
    ///   - hostKey: the host's `scheme://host:port`.
    ///   - token: names the slot.
    package init(hostKey: String, token: String) {
        self.hostKey = hostKey
        self.token = token
    }
}
