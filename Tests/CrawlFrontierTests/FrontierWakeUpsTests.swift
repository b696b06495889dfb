import CrawlFrontier
import Testing

/// The waiting and wake-up rules both frontiers share. Every wait here has
/// no deadline of its own: a lost wake-up would hang, so each test bounds its
/// body and fails when the bound (10 s, far above any scheduling delay) is hit.
@Suite("FrontierWakeUps: no lost wake-up, cancellation, closing")
struct FrontierWakeUpsTests {
    /// Runs `body`; `false` when it did not finish within 10 s (the body is then cancelled).
    private func finishes(_ body: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test("a wake-up after changes were read makes the wait return at once")
    func wakeUpBeforeWait() async {
        let wakeUps = FrontierWakeUps()
        let changes = wakeUps.changes
        wakeUps.wakeOne()
        #expect(await finishes { await wakeUps.wait(until: nil, unlessChangedSince: changes) })
        #expect(wakeUps.isEmpty)
    }

    @Test("wakeOne wakes a sleeping waiter, and the watcher learns that someone waits")
    func wakeOneWakesAWaiter() async {
        let wakeUps = FrontierWakeUps()
        let woke = await finishes {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await wakeUps.wait(until: nil, unlessChangedSince: wakeUps.changes) }
                // Returns only once the waiter above is in the list.
                await wakeUps.untilSomeoneWaits()
                wakeUps.wakeOne()
            }
        }
        #expect(woke)
        #expect(wakeUps.isEmpty)
    }

    @Test("a cancelled task does not sleep, whether cancelled before or during the wait")
    func cancellation() async {
        let wakeUps = FrontierWakeUps()
        #expect(await finishes {
            let task = Task { await wakeUps.wait(until: nil, unlessChangedSince: wakeUps.changes) }
            task.cancel()
            await task.value
        })
        #expect(await finishes {
            let task = Task { await wakeUps.wait(until: nil, unlessChangedSince: wakeUps.changes) }
            await wakeUps.untilSomeoneWaits()
            task.cancel()
            await task.value
        })
        #expect(wakeUps.isEmpty)
    }

    @Test("close wakes every waiter and the watcher; later waits return at once")
    func close() async {
        let wakeUps = FrontierWakeUps()
        #expect(await finishes {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { await wakeUps.wait(until: nil, unlessChangedSince: wakeUps.changes) } }
                await wakeUps.untilSomeoneWaits()
                wakeUps.close()
            }
        })
        #expect(await finishes { await wakeUps.wait(until: nil, unlessChangedSince: wakeUps.changes) })
        #expect(await finishes { await wakeUps.untilSomeoneWaits() })
    }

    @Test("a deadline ends the wait without a wake-up")
    func deadline() async {
        let wakeUps = FrontierWakeUps()
        #expect(await finishes { await wakeUps.wait(until: .now + .milliseconds(20), unlessChangedSince: wakeUps.changes) })
        #expect(wakeUps.isEmpty)
    }
}
