import CrawlFrontier
import Testing

/// The waiting and wake-up rules both frontiers share. Each wait says why it
/// ended, so the tests check the reason, not the time: a lost wake-up would
/// end a wait by its (far) deadline instead, and fail the test.
@Suite("FrontierWakeUps: no lost wake-up, cancellation, closing", .timeLimit(.minutes(5)))
struct FrontierWakeUpsTests {
    /// Long enough never to be what ends a wait in a passing test.
    private static var far: ContinuousClock.Instant { .now + .seconds(600) }

    @Test("a wake-up after changes were read makes the wait return at once")
    func wakeUpBeforeWait() async {
        let wakeUps = FrontierWakeUps()
        let changes = wakeUps.changes
        wakeUps.wakeOne()
        #expect(await wakeUps.wait(until: Self.far, unlessChangedSince: changes) == .changedAlready)
        #expect(wakeUps.isEmpty)
    }

    @Test("wakeOne wakes a sleeping waiter, and the watcher learns that someone waits")
    func wakeOneWakesAWaiter() async {
        let wakeUps = FrontierWakeUps()
        let reason = await withTaskGroup(of: WakeUpReason?.self) { group in
            group.addTask { await wakeUps.wait(until: Self.far, unlessChangedSince: wakeUps.changes) }
            // Returns only once the waiter above is in the list.
            await wakeUps.untilSomeoneWaits()
            wakeUps.wakeOne()
            return await group.next() ?? nil
        }
        #expect(reason == .wokenUp)
        #expect(wakeUps.isEmpty)
    }

    @Test("a cancelled task does not sleep, whether cancelled before or during the wait")
    func cancellation() async {
        let wakeUps = FrontierWakeUps()
        let before = Task { await wakeUps.wait(until: Self.far, unlessChangedSince: wakeUps.changes) }
        before.cancel()
        let early = await before.value
        // Cancelled before it started waiting, or (scheduled late) while it waited: either way not left asleep.
        #expect(early == .cancelled)
        let during = Task { await wakeUps.wait(until: Self.far, unlessChangedSince: wakeUps.changes) }
        await wakeUps.untilSomeoneWaits()
        during.cancel()
        #expect(await during.value == .cancelled)
        #expect(wakeUps.isEmpty)
    }

    @Test("close wakes every waiter and the watcher; later waits return at once")
    func close() async {
        let wakeUps = FrontierWakeUps()
        let reasons = await withTaskGroup(of: WakeUpReason.self) { group in
            for _ in 0..<3 { group.addTask { await wakeUps.wait(until: Self.far, unlessChangedSince: wakeUps.changes) } }
            await wakeUps.untilSomeoneWaits()
            wakeUps.close()
            return await group.reduce(into: [WakeUpReason]()) { $0.append($1) }
        }
        #expect(reasons == [.closed, .closed, .closed])
        #expect(await wakeUps.wait(until: Self.far, unlessChangedSince: wakeUps.changes) == .closed)
        await wakeUps.untilSomeoneWaits()
    }

    @Test("a deadline ends the wait without a wake-up")
    func deadline() async {
        let wakeUps = FrontierWakeUps()
        #expect(await wakeUps.wait(until: .now + .milliseconds(20), unlessChangedSince: wakeUps.changes) == .deadline)
        #expect(wakeUps.isEmpty)
    }

    @Test("one timer for all deadlines: a shorter deadline that comes after a far one ends its wait, the far one still waits")
    func earlierDeadlineRearmsTheTimer() async throws {
        let wakeUps = FrontierWakeUps()
        let far = Task { await wakeUps.wait(until: Self.far, unlessChangedSince: wakeUps.changes) }
        for _ in 0..<1000 where wakeUps.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await wakeUps.wait(until: .now + .milliseconds(20), unlessChangedSince: wakeUps.changes) == .deadline)
        // Had the short wait ended only at the far deadline, the far one would have ended by it too.
        #expect(!wakeUps.isEmpty)
        wakeUps.wakeAll()
        #expect(await far.value == .wokenUp)
    }

    @Test("waiters woken before their deadline leave the timer to the others: each of 50 waits ends once, by its deadline or a wake-up")
    func deadlinesAndWakeUpsMixed() async {
        let wakeUps = FrontierWakeUps()
        let reasons = await withTaskGroup(of: WakeUpReason.self) { group in
            for index in 0..<50 {
                group.addTask {
                    await wakeUps.wait(until: .now + .milliseconds(10 + index % 7 * 5), unlessChangedSince: wakeUps.changes)
                }
            }
            for _ in 0..<10 { wakeUps.wakeOne() }
            return await group.reduce(into: [WakeUpReason]()) { $0.append($1) }
        }
        #expect(reasons.count == 50)
        #expect(reasons.allSatisfy { [.deadline, .wokenUp, .changedAlready].contains($0) })
        #expect(reasons.contains(.deadline))
        #expect(wakeUps.isEmpty)
    }
}
