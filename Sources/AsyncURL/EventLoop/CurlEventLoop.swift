internal import CCurl
internal import CEpoll
import Logging
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
    import AsyncURLSupport
#endif

/// The thread that owns one libcurl multi handle and runs every transfer on it.
///
/// ## Design
/// All libcurl state (the multi handle, the easy handles, the transfer table)
/// is touched by this one thread only, so none of it needs locks. Other
/// threads talk to it through a command queue guarded by a lock and wake
/// it with `curl_multi_wakeup` (the one multi call libcurl documents as safe
/// from any thread), or through an eventfd for the epoll loop.
///
/// Two ways of driving libcurl are built in (``FetchClient/EventLoopStrategy``):
/// `curl_multi_perform` + `curl_multi_poll` woken by `curl_multi_wakeup` (as
/// `curl --parallel` does), and `curl_multi_socket_action` with epoll
/// (``EpollDriver``). The default is the poll loop, chosen by measurement:
/// `Benchmarks/fetch/run.sh --urls 50000 --rounds 5` (pages of 15-40 KB from
/// nginx on loopback, 2 cores, best of 5 rounds in one run) gave the poll
/// loop 19,600 requests/s against epoll's 15,300 at 64 transfers in flight,
/// and 16,700 against 14,600 at 300, while `curl --parallel` did 16,600 and
/// 13,700. At these sizes the per-wake-up cost of polling every socket is
/// smaller than the extra callbacks and system calls of the socket-action
/// loop. The poll loop
/// also needs no timer of ours: `curl_multi_poll` sleeps until libcurl's
/// next timer, so idle and total time-outs fire on time.
final class CurlEventLoop: Sendable {
    /// A request from another thread.
    enum Command: Sendable {
        case start(id: UInt64, request: Request, completion: Transfer.Completion)
        case cancel(id: UInt64)
        /// Makes every later wait of an epoll loop fail (tests of the back-off).
        case breakWaitForTesting
    }

    private struct Inbox {
        var commands: [Command] = []
        var shutdownRequested = false
        /// Set by the loop thread just before it frees the multi handle; no
        /// wake-up may be sent after that.
        var closed = false
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
        /// Set by the loop thread while it works: it takes the queued commands
        /// before its next wait, so a command queued meanwhile needs no
        /// wake-up (each one is a system call here and a return from the wait
        /// there). Cleared, under the lock, just before the loop waits.
        var loopIsAwake = false
    }

    private let inbox = LockedState(Inbox())
    /// Cookies removed from the jar to keep it within its bounds.
    let cookiesRefused = Atomic<Int>(0)
    /// Calls of the loop (its wait, libcurl's multi interface) that failed.
    let loopErrors = Atomic<Int>(0)
    /// The multi handle, used from other threads only for
    /// `curl_multi_wakeup`, and only while `inbox.closed` is false (checked
    /// under the inbox lock, which the loop thread takes before freeing it).
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer
    /// The eventfd that wakes an epoll loop (-1 for the poll loop). Closed by
    /// the loop thread after `inbox.closed` is set; written only before that.
    private let wakeFD: Int32

    /// Creates the multi handle and starts the loop thread.
    init(configuration: FetchClient.Configuration) throws(FetchError) {
        let global = CurlGlobal.ensureInitialized()
        guard global == CURLE_OK else {
            throw FetchError(
                kind: .other, url: "", curlCode: Int(global.rawValue),
                message: "curl_global_init failed: \(String(cString: curl_easy_strerror(global)))")
        }
        guard let multi = curl_multi_init() else {
            throw FetchError(kind: .other, url: "", message: "curl_multi_init failed (out of memory)")
        }
        self.multi = multi
        var driver: EpollDriver?
        if configuration.eventLoop == .epoll {
            let wakeFD = asyncurl_eventfd_create()
            guard wakeFD >= 0, let epoll = EpollDriver(multi: multi, wakeFD: wakeFD) else {
                if wakeFD >= 0 { _ = Glibc.close(wakeFD) }
                curl_multi_cleanup(multi)
                throw FetchError(kind: .other, url: "", message: "cannot create the epoll event loop (errno \(errno))")
            }
            self.wakeFD = wakeFD
            driver = epoll
        } else {
            self.wakeFD = -1
        }
        let state = LoopState(multi: multi, configuration: configuration, driver: driver)
        // `state` is handed to the new thread and never touched here again:
        // from now on only the loop thread uses it.
        nonisolated(unsafe) let handedOff = state
        guard DetachedThread.start(name: "AsyncURL.curl", stackSize: 1 << 20, { [self] in handedOff.run(loop: self) }) else {
            throw FetchError(kind: .other, url: "", message: "cannot start the event-loop thread (pthread_create failed)")
        }
    }

    /// Queues a command and wakes the loop. Returns `false` once the loop is shut down.
    @discardableResult
    func submit(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.shutdownRequested else { return false }
            inbox.commands.append(command)
            // The loop takes every queued command at once, so only the first
            // command of a batch needs to wake it, and none while it works.
            if inbox.commands.count == 1 && !inbox.loopIsAwake {
                wake()
            }
            return true
        }
    }

    /// Asks the loop to stop: transfers in flight fail with ``FetchError/Kind/cancelled``.
    func requestShutdown() {
        inbox.withLock { inbox in
            guard !inbox.shutdownRequested else { return }
            inbox.shutdownRequested = true
            if !inbox.closed {
                wake()
            }
        }
    }

    /// Stops the loop and waits until every handle is freed.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = inbox.withLock { inbox -> Bool in
                if inbox.closed { return true }
                inbox.shutdownWaiters.append(continuation)
                if !inbox.shutdownRequested {
                    inbox.shutdownRequested = true
                    wake()
                }
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Interrupts the loop's wait. Called under the inbox lock while not closed.
    private func wake() {
        if wakeFD >= 0 {
            asyncurl_eventfd_signal(wakeFD)
        } else if curl_multi_wakeup(multi) != CURLM_OK {
            // The loop still wakes within a second (curl_multi_poll's time-out).
            loopErrors.add(1, ordering: .relaxed)
        }
    }

    /// Closes the wake-up descriptor (loop thread only, after ``close()``).
    fileprivate func closeWakeDescriptor() {
        if wakeFD >= 0 { _ = Glibc.close(wakeFD) }
    }

    /// Takes the queued commands (loop thread only). `staysAwake`: the loop
    /// checks the inbox again (``mayWait()``) before it next waits, so
    /// commands queued until then need no wake-up.
    fileprivate func takeCommands(staysAwake: Bool = false) -> (commands: [Command], shutdown: Bool) {
        inbox.withLock { inbox in
            let commands = inbox.commands
            inbox.commands.removeAll(keepingCapacity: true)
            inbox.loopIsAwake = staysAwake
            return (commands, inbox.shutdownRequested)
        }
    }

    /// Called by the loop just before it waits: `false` when commands
    /// came in since its last take (it takes them instead of waiting);
    /// otherwise every later command wakes it.
    fileprivate func mayWait() -> Bool {
        inbox.withLock { inbox in
            guard inbox.commands.isEmpty, !inbox.shutdownRequested else { return false }
            inbox.loopIsAwake = false
            return true
        }
    }

    /// Marks the multi handle as gone (loop thread only, just before freeing
    /// it) and returns whoever waits for the shutdown.
    fileprivate func close() -> [CheckedContinuation<Void, Never>] {
        inbox.withLock { inbox in
            inbox.closed = true
            inbox.shutdownRequested = true
            // Commands that raced with the shutdown are failed by the caller.
            let waiters = inbox.shutdownWaiters
            inbox.shutdownWaiters.removeAll()
            return waiters
        }
    }
}

/// Everything the loop thread owns. Never shared with another thread.
private final class LoopState {
    let multi: UnsafeMutableRawPointer
    let configuration: FetchClient.Configuration
    var transfers: [UnsafeMutableRawPointer: Transfer] = [:]
    var handleByID: [UInt64: UnsafeMutableRawPointer] = [:]
    var pool: EasyHandlePool
    /// The client's share object: TLS sessions, and the cookies of
    /// ``cookieJar``; every handle in it holds it (see ``CurlShare``).
    var share: CurlShare?
    /// The client's cookie jar (``FetchClient/Configuration/keepsCookies``).
    var cookieJar: CookieJar?
    let logger: Logger
    /// The epoll driver, or `nil` for the poll loop. Kept until after
    /// `curl_multi_cleanup`, which may still call its socket callback.
    var driver: EpollDriver?
    /// The most transfers that ran at once so far; the idle-connection cache
    /// holds four connections per transfer of that peak (see ``sizeConnectionCache()``).
    private var peakTransfers = 0

    init(multi: UnsafeMutableRawPointer, configuration: FetchClient.Configuration, driver: EpollDriver?) {
        self.multi = multi
        self.driver = driver
        self.configuration = configuration
        self.pool = EasyHandlePool(capacity: configuration.idleHandlePoolSize)
        self.logger = configuration.logger
        share = CurlShare(sharesCookies: configuration.keepsCookies, logger: configuration.logger)
        if share == nil {
            logger.error("cannot create the share object (curl_share_init failed): TLS sessions are not shared, cookies are not kept")
        }
        if share?.sharesCookies == true {
            cookieJar = CookieJar(maxPerHost: configuration.maxCookiesPerHost, maxTotal: configuration.maxCookies)
        }
        setOption(CURLMOPT_PIPELINING, configuration.multiplexing ? Int(CURLPIPE_MULTIPLEX) : 0, name: "PIPELINING")
        setOption(CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections, name: "MAX_TOTAL_CONNECTIONS")
        setOption(CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost, name: "MAX_HOST_CONNECTIONS")
        if configuration.maxCachedConnections > 0 {
            setOption(CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections, name: "MAXCONNECTS")
        }
    }

    /// Sets a multi option; a refusal is logged (the loop runs on with libcurl's default).
    private func setOption(_ option: CURLMoption, _ value: Int, name: String) {
        let code = asyncurl_multi_setopt_long(multi, option, value)
        guard code != CURLM_OK else { return }
        logger.error(
            "libcurl refused multi option \(name); its default applies",
            metadata: ["error": "\(String(cString: curl_multi_strerror(code)))"])
    }

    func run(loop: CurlEventLoop) {
        var backoff = LoopBackoff()
        while true {
            let (commands, shutdown) = loop.takeCommands(staysAwake: true)
            for command in commands {
                handle(command)
            }
            if shutdown { break }
            let failure: String?
            if let driver {
                failure = driver.waitAndPerform(mayWait: loop.mayWait)
                collectFinished(loop: loop)
            } else {
                failure = performAndPoll(loop: loop)
            }
            if let failure {
                // A persistent error must not spin this thread: count, log, pause.
                backoff.recordFailure()
                loop.loopErrors.add(1, ordering: .relaxed)
                if backoff.logsLatestFailure {
                    logger.error(
                        "event loop call failed; pausing before the next wait",
                        metadata: [
                            "error": "\(failure)", "failuresInARow": "\(backoff.consecutiveFailures)", "pause": "\(backoff.pause)"
                        ])
                }
                backoff.sleep()
            } else {
                backoff.recordSuccess()
            }
        }
        tearDown(loop: loop)
    }

    /// One round of the poll loop: libcurl works, then waits for socket
    /// activity, its next timer, or a wake-up. Returns what failed, if anything.
    private func performAndPoll(loop: CurlEventLoop) -> String? {
        var running: Int32 = 0
        let performed = curl_multi_perform(multi, &running)
        collectFinished(loop: loop)
        var ready: Int32 = 0
        // Commands that came in while libcurl worked are taken first.
        let polled = loop.mayWait() ? curl_multi_poll(multi, nil, 0, 1000, &ready) : CURLM_OK
        if performed != CURLM_OK { return "curl_multi_perform: \(String(cString: curl_multi_strerror(performed)))" }
        if polled != CURLM_OK { return "curl_multi_poll: \(String(cString: curl_multi_strerror(polled)))" }
        return nil
    }

    private func handle(_ command: CurlEventLoop.Command) {
        switch command {
        case .start(let id, let request, let completion):
            start(id: id, request: request, completion: completion)
        case .cancel(let id):
            guard let raw = handleByID[id], let transfer = transfers[raw] else { return }
            finish(transfer, with: .failure(FetchError(kind: .cancelled, url: transfer.currentURL, message: "the task was cancelled")))
        case .breakWaitForTesting:
            driver?.breakWaitForTesting()
        }
    }

    private func start(id: UInt64, request: Request, completion: @escaping Transfer.Completion) {
        guard let easy = pool.take() else {
            completion(.failure(FetchError(kind: .other, url: request.url, message: "curl_easy_init failed (out of memory)")))
            return
        }
        let limits = Transfer.Limits(
            maxBodySize: request.maxBodySize ?? configuration.maxBodySize,
            maxHeaderBytes: configuration.maxHeaderBytes,
            timeouts: request.timeouts.filled(from: configuration.timeouts),
            configuration: configuration,
            share: share,
            cookieJar: cookieJar
        )
        let transfer = Transfer(id: id, request: request, easy: easy, limits: limits, completion: completion)
        if let failure = transfer.configureHop() {
            pool.giveBack(easy)
            completion(.failure(failure))
            return
        }
        let code = curl_multi_add_handle(multi, easy.raw)
        guard code == CURLM_OK else {
            pool.giveBack(easy)
            completion(
                .failure(
                    FetchError(
                        kind: .other, url: request.url, curlCode: Int(code.rawValue),
                        message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(code)))")))
            return
        }
        transfers[easy.raw] = transfer
        handleByID[id] = easy.raw
        if transfers.count > peakTransfers {
            peakTransfers = transfers.count
            sizeConnectionCache()
        }
    }

    /// Keeps four idle connections per transfer of the peak so far, unless
    /// ``FetchClient/Configuration/maxCachedConnections`` fixes the number.
    ///
    /// libcurl's own default is four per handle *in the multi handle now*, and
    /// a finished transfer's handle leaves it: when a burst ends, or while the
    /// next requests are on their way from the callers, the cache shrank to a
    /// few connections and the rest were closed, to be opened again a moment
    /// later (up to seven times as many connects as transfers at once, seen in
    /// a 10,000-URL list fetch at 64).
    private func sizeConnectionCache() {
        guard configuration.maxCachedConnections == 0 else { return }
        setOption(CURLMOPT_MAXCONNECTS, 4 * peakTransfers, name: "MAXCONNECTS")
    }

    private func collectFinished(loop: CurlEventLoop) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle,
                let transfer = transfers[raw]
            else { continue }
            let code = asyncurl_message_result(message)
            // The handle leaves the multi handle before anything about it changes.
            removeHandle(raw)
            if let cookieJar, transfer.responseHeaders.contains("Set-Cookie") {
                let removed = cookieJar.enforceBounds(using: transfer.easy)
                if removed > 0 { loop.cookiesRefused.add(removed, ordering: .relaxed) }
            }
            // A body cut at the limit on purpose ends the transfer with a write error: the response stands.
            guard code == CURLE_OK || transfer.isTruncated else {
                finish(transfer, with: .failure(transfer.error(for: code)), alreadyRemoved: true)
                continue
            }
            switch transfer.finishHop() {
            case .finished(let response):
                finish(transfer, with: .success(response), alreadyRemoved: true)
            case .failed(let error):
                finish(transfer, with: .failure(error), alreadyRemoved: true)
            case .redirected:
                let added = curl_multi_add_handle(multi, raw)
                if added != CURLM_OK {
                    let error = FetchError(
                        kind: .other, url: transfer.currentURL, curlCode: Int(added.rawValue),
                        message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))")
                    finish(transfer, with: .failure(error), alreadyRemoved: true)
                }
            }
        }
    }

    /// Ends a transfer: detaches its handle, returns it to the pool, and
    /// delivers the outcome. Every transfer passes here exactly once.
    private func finish(_ transfer: Transfer, with result: Result<Response, FetchError>, alreadyRemoved: Bool = false) {
        let raw = transfer.easy.raw
        if !alreadyRemoved {
            removeHandle(raw)
        }
        transfers[raw] = nil
        handleByID[transfer.id] = nil
        pool.giveBack(transfer.easy)
        transfer.completion(result)
    }

    /// Detaches an easy handle; a refusal (a handle libcurl no longer knows) is logged.
    private func removeHandle(_ raw: UnsafeMutableRawPointer) {
        let code = curl_multi_remove_handle(multi, raw)
        guard code != CURLM_OK else { return }
        logger.error("curl_multi_remove_handle failed", metadata: ["error": "\(String(cString: curl_multi_strerror(code)))"])
    }

    private func tearDown(loop: CurlEventLoop) {
        for transfer in Array(transfers.values) {
            finish(transfer, with: .failure(FetchError(kind: .cancelled, url: transfer.currentURL, message: "the client was shut down")))
        }
        let waiters = loop.close()
        // Commands queued after the last take are failed, not dropped.
        let (late, _) = loop.takeCommands()
        for case .start(_, let request, let completion) in late {
            completion(.failure(FetchError(kind: .cancelled, url: request.url, message: "the client was shut down")))
        }
        pool.drain()
        let cleanedUp = curl_multi_cleanup(multi)
        if cleanedUp != CURLM_OK {
            logger.error("curl_multi_cleanup failed", metadata: ["error": "\(String(cString: curl_multi_strerror(cleanedUp)))"])
        }
        // Every easy handle is freed now, and with the last one the share
        // (each holds it): this is the last reference.
        cookieJar = nil
        share = nil
        driver = nil
        loop.closeWakeDescriptor()
        for waiter in waiters {
            waiter.resume()
        }
    }
}
