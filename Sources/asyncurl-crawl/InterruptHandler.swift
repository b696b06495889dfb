import AsyncURLSupport
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C handling: the first SIGINT (or SIGTERM) runs `onFirst` (a graceful
/// stop), a second one runs `onSecond` (the statistics so far) and ends the
/// process at once with status 130.
final class InterruptHandler {
    private let sources: [any DispatchSourceSignal]
    private let count = LockedState(0)

    init(onFirst: @escaping @Sendable () -> Void, onSecond: @escaping @Sendable () -> Void = {}) {
        let queue = DispatchQueue(label: "asyncurl-crawl.signals")
        var sources: [any DispatchSourceSignal] = []
        let count = self.count
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                if count.withLock({
                    $0 += 1
                    return $0
                }) == 1 {
                    StandardError.write("\nstopping: waiting for requests in flight (Ctrl-C again to quit now)\n")
                    onFirst()
                } else {
                    // At once: feeds are written with write(2) and the state commits are
                    // atomic, so nothing is left in a buffer; no exit handlers run.
                    onSecond()
                    _exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Whether a signal arrived.
    var wasInterrupted: Bool { count.withLock { $0 > 0 } }
}
