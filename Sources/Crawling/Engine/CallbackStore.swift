import AsyncURLSupport

/// The callbacks of requests the frontier queued, each under an id of its own
/// (carried in the request's payload), until the request goes out.
///
/// A callback is registered before its request is offered to the frontier
/// (a worker may take the request the moment it is queued) and discarded at
/// once when the frontier does not queue it (a duplicate, off scope, over a
/// limit): so only queued requests hold a callback, and a duplicate never
/// touches the callback of the request queued before it.
final class CallbackStore: Sendable {
    private struct State {
        /// Ids start at a random point: a payload from another process (a
        /// shared frontier) or an earlier run (a resumed crawl) carries an id
        /// that is not one of this store's, so it finds no callback rather than another request's.
        var nextID = UInt64.random(in: 1...(UInt64.max >> 1))
        var callbacks: [UInt64: Spider.Callback] = [:]
        /// Names of callbacks found missing and warned about.
        var warnedNames: Set<String> = []
    }

    /// The most callback names warned about by ``shouldWarnMissing(_:)``
    /// (100): names come with the requests in a shared frontier, where any
    /// client can write them, so the set of names is bounded (100 names of
    /// at most ``maxNameLength`` bytes); later names are not logged.
    static let maxWarnedNames = 100
    /// The longest callback name kept and logged (200 bytes; longer names are cut).
    static let maxNameLength = 200

    private let state = LockedState(State())

    /// Keeps `callback`; returns its id.
    func register(_ callback: @escaping Spider.Callback) -> UInt64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.callbacks[id] = callback
            return id
        }
    }

    /// Keeps `callback` again under `id` (a request going back to the queue for a retry).
    func restore(_ callback: @escaping Spider.Callback, id: UInt64) {
        state.withLock { $0.callbacks[id] = callback }
    }

    /// Removes and returns the callback with `id`.
    func take(_ id: UInt64) -> Spider.Callback? {
        state.withLock { $0.callbacks.removeValue(forKey: id) }
    }

    /// Drops the callbacks with `ids` (their requests were not queued).
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
            guard state.warnedNames.count < Self.maxWarnedNames, state.warnedNames.insert(shown).inserted else { return nil }
            return shown
        }
    }

    /// Callbacks kept.
    var count: Int {
        state.withLock { $0.callbacks.count }
    }
}
