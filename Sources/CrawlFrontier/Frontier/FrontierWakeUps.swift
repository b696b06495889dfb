import AsyncURLSupport

/// How a frontier's `next()` waits for work and is woken, written once for
/// the in-process ``Frontier`` and the shared Redis frontier.
///
/// A caller reads ``changes`` before it looks for work and passes it to
/// ``wait(until:unlessChangedSince:)``: a wake-up in between (work added, a
/// slot freed) makes the wait return at once, so no wake-up is lost. A
/// change wakes one waiter (``wakeOne()``: no thundering herd); the end of the
/// crawl wakes them all (``wakeAll()``). A waiter also leaves at its
/// deadline, when its task is cancelled, or when the frontier closes.
///
/// It keeps its own lock, so the timer and cancellation handlers that wake
/// a waiter need no hop onto the frontier's isolation. One timer serves every
/// waiter's deadline (armed for the earliest): a sleeping task per wait left
/// thousands of timers pending in a crawl's workers, most of them for waits
/// a wake-up had already ended, and their upkeep cost about 1% of the CPU.
package final class FrontierWakeUps: Sendable {
    private struct State {
        var waiters = WaiterList()
        /// A task that sleeps while nobody waits (see ``untilSomeoneWaits()``).
        var watcher: CheckedContinuation<Void, Never>?
        var isClosed = false
        /// The timer armed: the instant it is for, its number (a timer that
        /// fires after another replaced it leaves the new one armed) and its task.
        var timer: (deadline: ContinuousClock.Instant, number: Int, task: Task<Void, Never>)?
        var timersArmed = 0
    }

    private let state = LockedState(State())

    /// No waiter yet.
    package init() {}

    /// Bumped by every wake-up: read it before looking for work.
    package var changes: Int { state.withLock { $0.waiters.changes } }

    /// Whether nobody waits.
    package var isEmpty: Bool { state.withLock { $0.waiters.isEmpty } }

    /// Sleeps until a wake-up, `deadline` (`nil`: none), cancellation of the
    /// calling task or ``close()``; returns at once when any of them came
    /// already, or a wake-up came since `changes` was read.
    /// - Parameters:
    ///   - deadline: when to stop waiting anyway.
    ///   - changes: ``changes`` as read before the caller looked for work.
    /// - Returns: why the wait ended (the first of them to come decides).
    @discardableResult
    package func wait(until deadline: ContinuousClock.Instant?, unlessChangedSince changes: Int) async -> WakeUpReason {
        let id = state.withLock { $0.waiters.makeID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WakeUpReason, Never>) in
                let (refusal, watcher) = state.withLock { state -> (WakeUpReason?, CheckedContinuation<Void, Never>?) in
                    // Checked under the lock: a cancellation after this finds the waiter to wake.
                    if state.isClosed { return (.closed, nil) }
                    if Task.isCancelled { return (.cancelled, nil) }
                    if state.waiters.changes != changes { return (.changedAlready, nil) }
                    state.waiters.insert(continuation, id: id, deadline: deadline)
                    if let deadline, state.timer.map({ deadline < $0.deadline }) ?? true { arm(for: deadline, in: &state) }
                    defer { state.watcher = nil }
                    return (nil, state.watcher)
                }
                if let refusal { return continuation.resume(returning: refusal) }
                watcher?.resume()
            }
        } onCancel: {
            wake(id, reason: .cancelled)
        }
    }

    /// Arms the timer for `deadline` (under the lock), replacing the one armed.
    private func arm(for deadline: ContinuousClock.Instant, in state: inout State) {
        state.timersArmed += 1
        let number = state.timersArmed
        state.timer?.task.cancel()
        let task = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            if Task.isCancelled { return }
            self?.timerFired(number)
        }
        state.timer = (deadline, number, task)
    }

    /// Wakes the waiters whose deadline passed, and arms the timer for the
    /// earliest deadline left (unless a newer timer is armed already).
    private func timerFired(_ number: Int) {
        let expired = state.withLock { state -> [CheckedContinuation<WakeUpReason, Never>] in
            let expired = state.waiters.takeExpired(now: .now)
            guard state.timer?.number == number else { return expired }
            state.timer = nil
            if let next = state.waiters.earliestDeadline { arm(for: next, in: &state) }
            return expired
        }
        for waiter in expired { waiter.resume(returning: .deadline) }
    }

    /// Returns once some task waits, or the frontier is closed: for a task
    /// that looks for news on the waiters' behalf (the shared frontier's
    /// listener) and should sleep while nobody needs any.
    package func untilSomeoneWaits() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceeds = state.withLock { state -> Bool in
                if state.isClosed || !state.waiters.isEmpty { return true }
                state.watcher = continuation
                return false
            }
            if proceeds { continuation.resume() }
        }
    }

    /// Wakes one waiter (the others stay asleep), and records a change.
    package func wakeOne() {
        state.withLock { $0.waiters.takeOne() }?.resume(returning: .wokenUp)
    }

    /// Wakes every waiter, and records a change.
    package func wakeAll() {
        for waiter in state.withLock({ $0.waiters.takeAll() }) { waiter.resume(returning: .wokenUp) }
    }

    /// Wakes everyone, the watcher too; later waits return at once.
    package func close() {
        let (waiters, watcher) = state.withLock { state in
            state.isClosed = true
            state.timer?.task.cancel()
            state.timer = nil
            defer { state.watcher = nil }
            return (state.waiters.takeAll(), state.watcher)
        }
        watcher?.resume()
        for waiter in waiters { waiter.resume(returning: .closed) }
    }

    private func wake(_ id: Int, reason: WakeUpReason) {
        state.withLock { $0.waiters.remove(id) }?.resume(returning: reason)
    }
}
