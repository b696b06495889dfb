import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Local wall-clock times for log lines and the progress line.
enum WallClock {
    /// `HH:MM:SS` local time, `after` from now (rounded up to the second: never earlier than the moment meant).
    static func time(after: Duration) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let wait = max(.zero, after)
        let nanoseconds = Int(now.tv_nsec) + wait.fractionNanoseconds
        var seconds = time_t(Int(now.tv_sec) + wait.wholeSeconds + nanoseconds / 1_000_000_000 + (nanoseconds % 1_000_000_000 > 0 ? 1 : 0))
        var fields = tm()
        guard localtime_r(&seconds, &fields) != nil else { return "?" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(fields.tm_hour)):\(two(fields.tm_min)):\(two(fields.tm_sec))"
    }
}
