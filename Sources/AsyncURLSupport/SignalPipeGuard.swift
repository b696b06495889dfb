#if canImport(Glibc)
    import Glibc
#endif

/// Runs `body` (writes to a socket or pipe whose reader may be gone) with
/// SIGPIPE blocked on the calling thread; a SIGPIPE the writes raised is
/// consumed, so they fail with `EPIPE` and nothing else happens, whatever the
/// process' own SIGPIPE disposition is (a library must not change it).
package func withSIGPIPEBlocked<Result>(_ body: () -> Result) -> Result {
    var pipeOnly = sigset_t()
    sigemptyset(&pipeOnly)
    sigaddset(&pipeOnly, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
    var pending = sigset_t()
    sigpending(&pending)
    let wasPending = sigismember(&pending, SIGPIPE) == 1
    let result = body()
    if !wasPending {
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 {
            var noWait = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&pipeOnly, nil, &noWait)
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
    return result
}
