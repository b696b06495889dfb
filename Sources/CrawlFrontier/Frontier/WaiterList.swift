/// The workers waiting in a frontier's `next()` for something to change, and
/// the wake-up rules both frontiers follow: a change wakes one waiter (no
/// thundering herd), the end of the crawl wakes them all.
///
/// A plain value: its owner (``FrontierWakeUps``, used by both frontiers)
/// keeps it under a lock and resumes the continuations it hands back
/// *outside* that lock.
package struct WaiterList: Sendable {
    private var waiters: [Int: CheckedContinuation<WakeUpReason, Never>] = [:]
    /// The deadlines of the waiters that have one.
    private var deadlines: [Int: ContinuousClock.Instant] = [:]
    private var lastID = 0
    /// Bumped by every wake-up, so a task that looked for work before a
    /// change (and found none) can tell not to go to sleep after it.
    package private(set) var changes = 0

    /// An empty list.
    package init() {}

    /// Whether nobody waits.
    package var isEmpty: Bool { waiters.isEmpty }

    /// A new waiter's id (taken before the waiter's continuation exists).
    package mutating func makeID() -> Int {
        lastID += 1
        return lastID
    }

    /// The earliest deadline of a waiter, if any has one.
    package var earliestDeadline: ContinuousClock.Instant? { deadlines.values.min() }

    /// Adds a waiter under an id from ``makeID()``, with the instant it
    /// leaves at (see ``takeExpired(now:)``) unless woken before.
    package mutating func insert(
        _ continuation: CheckedContinuation<WakeUpReason, Never>, id: Int, deadline: ContinuousClock.Instant? = nil
    ) {
        waiters[id] = continuation
        if let deadline { deadlines[id] = deadline }
    }

    /// Takes out one waiter (its task was cancelled).
    package mutating func remove(_ id: Int) -> CheckedContinuation<WakeUpReason, Never>? {
        deadlines[id] = nil
        return waiters.removeValue(forKey: id)
    }

    /// Takes out the waiters whose deadline is `now` or earlier.
    package mutating func takeExpired(now: ContinuousClock.Instant) -> [CheckedContinuation<WakeUpReason, Never>] {
        let expired = deadlines.filter { $0.value <= now }.keys
        return expired.compactMap { remove($0) }
    }

    /// Records a change and takes out one waiter to resume, if any waits.
    package mutating func takeOne() -> CheckedContinuation<WakeUpReason, Never>? {
        changes &+= 1
        guard let id = waiters.keys.first else { return nil }
        return remove(id)
    }

    /// Records a change and takes out every waiter to resume.
    package mutating func takeAll() -> [CheckedContinuation<WakeUpReason, Never>] {
        changes &+= 1
        let all = Array(waiters.values)
        waiters.removeAll()
        deadlines.removeAll()
        return all
    }
}

/// Why a wait in ``FrontierWakeUps/wait(until:unlessChangedSince:)`` ended.
package enum WakeUpReason: Sendable, Hashable {
    /// ``FrontierWakeUps/wakeOne()`` or ``FrontierWakeUps/wakeAll()`` woke it.
    case wokenUp
    /// A wake-up came after the caller read the changes and before it would
    /// have slept: it did not sleep.
    case changedAlready
    /// Its deadline passed.
    case deadline
    /// Its task was cancelled.
    case cancelled
    /// The frontier closed.
    case closed
}
