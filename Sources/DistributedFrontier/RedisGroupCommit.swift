import AsyncURLSupport

/// Sends items to Redis together, as a group commit does: the first item
/// goes out at once, alone; those that come while a call is on the wire go
/// together in the next call (at most ``capacity`` by their weight; an item
/// heavier than that goes alone). A busy worker then makes one call for
/// several pages, and an idle one waits for nothing.
final class RedisGroupCommit<Item: Sendable, Reply: Sendable>: Sendable {
    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<Reply, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var isSending = false
    }

    private let capacity: Int
    private let weight: @Sendable (Item) -> Int
    private let state = LockedState(State())

    /// A group of at most `capacity` by `weight` per call.
    init(capacity: Int, weight: @escaping @Sendable (Item) -> Int = { _ in 1 }) {
        self.capacity = max(1, capacity)
        self.weight = weight
    }

    /// Sends `item` with the others waiting; its reply. `send` makes one
    /// call for a group and returns one reply per item, in order (the
    /// caller that starts a round of calls lends its `send` to the others waiting then).
    func submit(_ item: Item, send: @escaping @Sendable ([Item]) async -> [Reply]) async -> Reply {
        await withCheckedContinuation { (continuation: CheckedContinuation<Reply, Never>) in
            let starts = state.withLock { state -> Bool in
                state.waiting.append(Waiting(item: item, continuation: continuation))
                guard !state.isSending else { return false }
                state.isSending = true
                return true
            }
            if starts { Task { await self.sendWaiting(with: send) } }
        }
    }

    /// Sends groups until nothing waits.
    private func sendWaiting(with send: @Sendable ([Item]) async -> [Reply]) async {
        while true {
            let group = state.withLock { state -> [Waiting] in
                var total = 0
                let taken = state.waiting.prefix { waiting in
                    let next = weight(waiting.item)
                    defer { total += next }
                    return total == 0 || total + next <= capacity
                }
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.isSending = false }
                return Array(taken)
            }
            if group.isEmpty { return }
            let replies = await send(group.map(\.item))
            for (waiting, reply) in zip(group, replies) { waiting.continuation.resume(returning: reply) }
        }
    }
}
