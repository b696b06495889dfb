import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C handling: the first SIGINT (or SIGTERM) runs `onFirst` (a graceful
/// stop), a second one ends the process at once with status 130.
final class InterruptHandler {
    private let sources: [any DispatchSourceSignal]
    private let count = ManagedAtomicCounter()

    init(onFirst: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "asyncurl-crawl.signals")
        var sources: [any DispatchSourceSignal] = []
        let count = self.count
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                if count.increment() == 1 {
                    FileHandle.standardError.write(Data("\nstopping: waiting for requests in flight (Ctrl-C again to quit now)\n".utf8))
                    onFirst()
                } else {
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Whether a signal arrived.
    var wasInterrupted: Bool { count.value > 0 }
}

/// A counter shared with the signal queue.
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
