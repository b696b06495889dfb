#if canImport(Glibc)
    import Glibc
#endif

/// A value guarded by a `pthread_mutex_t`, for state shared between threads.
///
/// The standard library's `Mutex` is built on raw futex calls on Linux, which
/// ThreadSanitizer cannot see, so every access it guards is reported as a
/// race. A pthread mutex is intercepted by the sanitizers, which keeps
/// `swift test --sanitize=thread` meaningful. The mutex lives in its own
/// allocation (it must not move) and is destroyed exactly once in `deinit`.
package final class LockedState<Value>: @unchecked Sendable {
    // `value` is only touched while `mutex` is held.
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Creates the lock around an initial value.
    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
