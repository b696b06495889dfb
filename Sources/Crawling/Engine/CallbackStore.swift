import AsyncURLSupport

/// The callbacks and errbacks of requests the frontier queued, each request's
/// pair under an id of its own (carried in the request's payload), until the
/// request goes out.
///
/// A callback is registered before its request is offered to the frontier
/// (a worker may take the request the moment it is queued) and discarded at
/// once when the frontier does not queue it (a duplicate, off scope, over a
/// limit): so only queued requests hold a callback, and a duplicate never
/// touches the callback of the request queued before it.
final class CallbackStore: Sendable {
    /// A request's callback and errback (one of them at least).
    struct Handlers {
        var callback: Spider.Callback?
        var errback: Spider.Errback?

        /// The handlers of `request`, or `nil` when it has neither.
        init?(of request: CrawlRequest) {
            guard request.callback != nil || request.errback != nil else { return nil }
            callback = request.callback
            errback = request.errback
        }
    }

    private struct State {
        /// Ids start at a random point: a payload from another process (a
        /// shared frontier) or an earlier run (a resumed crawl) carries an id
        /// that is not one of this store's, so it finds no callback rather than another request's.
        var nextID = UInt64.random(in: 1...(UInt64.max >> 1))
        var callbacks: [UInt64: Handlers] = [:]
        /// Names of callbacks and errbacks found missing and warned about.
        var warnedNames: Set<String> = []
    }

    /// The most callback names warned about by ``shouldWarnMissing(_:)``
    /// (`CrawlSettings.maxWarnedCallbackNames`, 100 by default): names come with the requests in a shared frontier, where any
    /// client can write them, so the set of names is bounded (this many names of
    /// at most ``maxNameLength`` bytes); later names are not logged.
    let maxWarnedNames: Int
    /// The longest callback name kept and logged (200 bytes; longer names are cut).
    static let maxNameLength = 200

    private let state = LockedState(State())

    /// An empty store that warns about at most `maxWarnedNames` callback names (at least 0).
    init(maxWarnedNames: Int = CrawlSettings().maxWarnedCallbackNames) {
        self.maxWarnedNames = max(0, maxWarnedNames)
    }

    /// Keeps `handlers`; returns their id.
    func register(_ handlers: Handlers) -> UInt64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.callbacks[id] = handlers
            return id
        }
    }

    /// Keeps `handlers` again under `id` (a request going back to the queue for a retry).
    func restore(_ handlers: Handlers, id: UInt64) {
        state.withLock { $0.callbacks[id] = handlers }
    }

    /// Removes and returns the handlers with `id`.
    func take(_ id: UInt64) -> Handlers? {
        state.withLock { $0.callbacks.removeValue(forKey: id) }
    }

    /// Drops the handlers with `ids` (their requests were not queued).
    func discard(_ ids: some Sequence<UInt64>) {
        state.withLock { state in
            for id in ids { state.callbacks[id] = nil }
        }
    }

    /// Records that a request's callback is not in this store (another
    /// process of a shared crawl, or an earlier run, registered it); the
    /// name to warn about the first time a name is missing (cut to
    /// ``maxNameLength`` bytes), `nil` after that or once
    /// ``maxWarnedNames`` names were warned about.
    func shouldWarnMissing(_ name: String?) -> String? {
        var shown = String(decoding: (name ?? "unnamed").utf8.prefix(Self.maxNameLength), as: UTF8.self)
        shown = shown.isEmpty ? "unnamed" : shown
        return state.withLock { state in
            guard state.warnedNames.count < maxWarnedNames, state.warnedNames.insert(shown).inserted else { return nil }
            return shown
        }
    }

    /// Requests whose handlers are kept.
    var count: Int {
        state.withLock { $0.callbacks.count }
    }
}
