import Testing

@testable import AsyncURL

/// The event loop's pause after failed waits: doubling from 1 ms to 1 s, reset
/// by a success, logged sparsely (no sleeping here: only the values).
@Suite("Event-loop back-off")
struct LoopBackoffTests {
    @Test("Pauses double from 1 ms up to 1 s, and a success starts over")
    func pauses() {
        var backoff = LoopBackoff()
        #expect(backoff.pause == .zero)
        var pauses: [Duration] = []
        for _ in 0..<14 {
            backoff.recordFailure()
            pauses.append(backoff.pause)
        }
        #expect(Array(pauses.prefix(4)) == [.milliseconds(1), .milliseconds(2), .milliseconds(4), .milliseconds(8)])
        #expect(pauses[9] == .milliseconds(512))
        #expect(pauses.suffix(4).allSatisfy { $0 == .seconds(1) })
        #expect(zip(pauses, pauses.dropFirst()).allSatisfy { $0 <= $1 })
        backoff.recordSuccess()
        #expect(backoff.pause == .zero && backoff.consecutiveFailures == 0)
        backoff.recordFailure()
        #expect(backoff.pause == .milliseconds(1))
    }

    @Test("The first failure, powers of two and every 64th are logged")
    func logging() {
        var backoff = LoopBackoff()
        var logged: [Int] = []
        for count in 1...200 {
            backoff.recordFailure()
            if backoff.logsLatestFailure { logged.append(count) }
        }
        #expect(logged == [1, 2, 4, 8, 16, 32, 64, 128, 192])
    }
}
