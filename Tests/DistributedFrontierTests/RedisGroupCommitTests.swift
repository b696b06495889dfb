import AsyncURLSupport
import Testing

@testable import DistributedFrontier

/// The group commit behind the add and completion queues.
@Suite("RedisGroupCommit")
struct RedisGroupCommitTests {
    /// Holds the first call until opened.
    private actor Gate {
        private var isOpen = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func wait() async {
            if isOpen { return }
            await withCheckedContinuation { waiting.append($0) }
        }

        func open() {
            isOpen = true
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
        }
    }

    @Test("Items that come while a call is on the wire go together in the next calls, within the capacity; each gets its own reply")
    func groupsWhileOnTheWire() async throws {
        let group = RedisGroupCommit<Int, Int>(capacity: 2)
        let calls = LockedState<[[Int]]>([])
        let submitted = LockedState(0)
        let gate = Gate()
        let send: @Sendable ([Int]) async -> [Int] = { items in
            let isFirst = calls.withLock { calls -> Bool in
                calls.append(items)
                return calls.count == 1
            }
            if isFirst { await gate.wait() }
            return items.map { $0 * 10 }
        }
        let first = Task { await group.submit(1, send: send) }
        // Bounded: 10 s.
        for _ in 0..<1000 where calls.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        let others = (2...4).map { item in
            Task {
                submitted.withLock { $0 += 1 }
                return await group.submit(item, send: send)
            }
        }
        for _ in 0..<1000 where submitted.withLock({ $0 < 3 }) { try await Task.sleep(for: .milliseconds(10)) }
        // Let the three enqueue (submit appends before it suspends).
        try await Task.sleep(for: .milliseconds(200))
        await gate.open()
        #expect(await first.value == 10)
        var replies: [Int] = []
        for task in others { replies.append(await task.value) }
        #expect(replies == [20, 30, 40])
        // The first alone; the three waiting in two calls of at most 2.
        let sizes = calls.withLock { $0.map(\.count) }
        #expect(sizes == [1, 2, 1])
        #expect(Set(calls.withLock { $0.dropFirst().flatMap { $0 } }) == [2, 3, 4])
    }

    @Test("An item heavier than the capacity goes alone")
    func heavyItemAlone() async {
        let group = RedisGroupCommit<[Int], Int>(capacity: 3) { $0.count }
        let calls = LockedState<[Int]>([])
        let reply = await group.submit([1, 2, 3, 4, 5]) { items in
            calls.withLock { $0.append(items.count) }
            return items.map(\.count)
        }
        #expect(reply == 5)
        #expect(calls.withLock { $0 } == [1])
    }
}
