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
    // `value` and `condition` are only touched while `mutex` is held.
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Made by the first ``withLock(whenReady:_:)`` that has to wait (most locks never do).
    private var condition: UnsafeMutablePointer<pthread_cond_t>?

    /// Creates the lock around an initial value.
    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        if let condition {
            pthread_cond_destroy(condition)
            condition.deinitialize(count: 1)
            condition.deallocate()
        }
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

    /// Runs `body` with exclusive access to the value once `isReady` says it
    /// may, blocking the calling thread (the lock released) until another
    /// thread changes the value and calls ``signal()``. For a thread of its
    /// own, never a task on the cooperative pool.
    /// - Parameters:
    ///   - isReady: whether `body` may run on the value as it is.
    ///   - body: runs under the lock, once `isReady` returned `true`.
    package func withLock<Result>(whenReady isReady: (inout Value) -> Bool, _ body: (inout Value) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !isReady(&value) {
            let waitingOn: UnsafeMutablePointer<pthread_cond_t>
            if let condition {
                waitingOn = condition
            } else {
                waitingOn = .allocate(capacity: 1)
                waitingOn.initialize(to: pthread_cond_t())
                pthread_cond_init(waitingOn, nil)
                condition = waitingOn
            }
            pthread_cond_wait(waitingOn, mutex)
        }
        return body(&value)
    }

    /// Wakes one thread waiting in ``withLock(whenReady:_:)``, if any; call it
    /// after changing the value (it takes the lock).
    package func signal() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let condition { pthread_cond_signal(condition) }
    }
}
