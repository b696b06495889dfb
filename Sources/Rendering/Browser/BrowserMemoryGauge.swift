import AsyncURLSupport

/// The browser's memory, measured now and then on a thread of its own.
///
/// Reading the proportional set size of every browser process (its
/// `smaps_rollup`) makes the kernel walk each process's page tables: 165 to
/// 345 ms for the 9 to 12 processes of a 4-tab browser on the 2-core test
/// machine. Measured after every page inside the pool, that read was what
/// serialized the tabs. Here a page only looks at the last measurement, and
/// a new one starts on a detached thread when that is older than the interval.
final class BrowserMemoryGauge: Sendable {
    private struct State {
        var latest = 0
        var measuredAt: ContinuousClock.Instant?
        var isMeasuring = false
    }

    private let group: Int32
    private let interval: Duration
    private let state = LockedState(State())

    /// - Parameters:
    ///   - group: the browser's process group.
    ///   - interval: the least time between two measurements.
    init(group: Int32, interval: Duration) {
        self.group = group
        self.interval = interval
    }

    /// The last measurement in bytes (0 before the first finished). Starts a
    /// new one when the last started more than the interval ago and none runs.
    func reading() -> Int {
        let now = ContinuousClock.now
        let (latest, starts) = state.withLock { state -> (Int, Bool) in
            let due = !state.isMeasuring && state.measuredAt.map { now - $0 >= interval } ?? true
            if due {
                state.isMeasuring = true
                state.measuredAt = now
            }
            return (state.latest, due)
        }
        if starts {
            let group = group
            let started = DetachedThread.start(name: "AsyncURL.memory", stackSize: 256 << 10) { [self] in
                let bytes = ProcessGroupMemory.residentBytes(ofGroup: group)
                state.withLock { state in
                    state.latest = bytes
                    state.isMeasuring = false
                }
            }
            if !started { state.withLock { $0.isMeasuring = false } }
        }
        return latest
    }
}
