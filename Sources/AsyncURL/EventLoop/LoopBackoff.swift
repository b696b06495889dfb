import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// How the event-loop thread waits after a failed wait call (`epoll_wait`,
/// `curl_multi_poll`, `curl_multi_perform`): a pause doubling from 1 ms to
/// 1 s, reset by the next call that succeeds. A persistent error then costs
/// about one failed call a second instead of a spinning core, and each one is
/// counted and logged (the first, then every power of two, then every 64th).
struct LoopBackoff {
    /// Failed calls in a row.
    private(set) var consecutiveFailures = 0

    /// The first pause.
    static let initialPause: Duration = .milliseconds(1)
    /// The longest pause.
    static let maximumPause: Duration = .seconds(1)

    /// The pause after the failures so far.
    var pause: Duration {
        guard consecutiveFailures > 0 else { return .zero }
        let doublings = min(consecutiveFailures - 1, 10)
        return min(Self.maximumPause, Self.initialPause * (1 << doublings))
    }

    /// Whether the latest failure is one to log: the first, every power of
    /// two, then every 64th, so a persistent error is seen without a flood.
    var logsLatestFailure: Bool {
        let count = consecutiveFailures
        return count > 0 && (count & (count - 1) == 0 || count % 64 == 0)
    }

    /// Records a failed call.
    mutating func recordFailure() {
        consecutiveFailures += 1
    }

    /// Records a call that worked: the next failure pauses briefly again.
    mutating func recordSuccess() {
        consecutiveFailures = 0
    }

    /// Blocks the calling (loop) thread for ``pause``.
    func sleep() {
        let pause = self.pause
        guard pause > .zero else { return }
        var request = timespec(tv_sec: pause.wholeSeconds, tv_nsec: pause.fractionNanoseconds)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR {
            request = remaining
        }
    }
}
