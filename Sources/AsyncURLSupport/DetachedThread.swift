internal import CEpoll

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a thread of its own for a loop that blocks (the fetch core's event
/// loop, the browser pipe's reader): a detached pthread (Foundation's `Thread`
/// would pull all of Foundation into every program that fetches).
package enum DetachedThread {
    /// The closure handed to the new thread, retained until it runs.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Runs `body` on a new detached thread named `name` (at most 15 bytes show).
    /// Returns `false` when the thread could not be created.
    package static func start(name: String, stackSize: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let threadName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let context = Unmanaged.passRetained(
            Body {
                asyncurl_name_current_thread(threadName)
                body()
            }
        ).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { context in
                guard let context else { return nil }
                // Balances `passRetained`: the thread owns the body from here.
                let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
                body.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        return true
    }
}
