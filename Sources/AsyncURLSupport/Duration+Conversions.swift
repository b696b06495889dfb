// Every conversion of a `Duration` to the numbers C APIs, logs and settings
// take, in one place: the modules do not take `components` apart themselves.
#if canImport(Glibc)
    import Glibc
#endif

extension Duration {
    /// The duration in seconds, as a `Double`.
    package var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds, rounded down, never negative.
    package var flooredMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in whole milliseconds, rounded up (a time limit is never
    /// cut short), never negative, clamped to `Int` range.
    package var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = components
        if seconds >= Int64(Int.max / 1000) { return Int.max }
        if seconds < 0 { return 0 }
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// The whole seconds of the duration (its fraction dropped).
    package var wholeSeconds: Int {
        Int(components.seconds)
    }

    /// The fraction of a second beyond ``wholeSeconds``, in nanoseconds (rounded down).
    package var fractionNanoseconds: Int {
        Int(components.attoseconds / 1_000_000_000)
    }

    /// The duration as a C `timeval` (microseconds rounded down), for socket
    /// options and hiredis' time-outs.
    package var timeval: Glibc.timeval {
        Glibc.timeval(tv_sec: wholeSeconds, tv_usec: fractionNanoseconds / 1000)
    }
}
