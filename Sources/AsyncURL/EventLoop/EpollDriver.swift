import AsyncURLSupport
internal import CCurl
internal import CEpoll

#if canImport(Glibc)
    import Glibc
#endif

/// Drives a multi handle with `curl_multi_socket_action` and Linux epoll.
///
/// libcurl tells the driver which sockets to watch (`CURLMOPT_SOCKETFUNCTION`)
/// and when its next timer is due (`CURLMOPT_TIMERFUNCTION`); the driver waits
/// on exactly those sockets and hands libcurl only the ones that are ready,
/// so the work per wake-up does not grow with the number of idle transfers.
/// Confined to the event-loop thread. The callbacks reach it through an
/// unretained pointer; ``LoopState`` keeps the driver alive until after
/// `curl_multi_cleanup`, the last call that can invoke them.
final class EpollDriver {
    private let multi: UnsafeMutableRawPointer
    private let epollFD: Int32
    private let wakeFD: Int32
    private var watched: Set<Int32> = []
    private var timerDeadline: ContinuousClock.Instant?
    private var readyFDs = [Int32](repeating: 0, count: 256)
    private var readyEvents = [UInt32](repeating: 0, count: 256)

    /// Creates the epoll instance, watches `wakeFD`, and installs the
    /// callbacks; `nil` when epoll or libcurl refuses any of it.
    init?(multi: UnsafeMutableRawPointer, wakeFD: Int32) {
        let epollFD = asyncurl_epoll_create()
        guard epollFD >= 0 else { return nil }
        // From here on `deinit` closes the epoll descriptor.
        self.multi = multi
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        guard asyncurl_epoll_watch(epollFD, wakeFD, asyncurl_epoll_in, 1) == 0 else { return nil }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let codes = [
            asyncurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context),
            asyncurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context),
            asyncurl_multi_setopt_socket_function(multi) { _, socket, what, userp, _ in
                guard let userp else { return 0 }
                Unmanaged<EpollDriver>.fromOpaque(userp).takeUnretainedValue().watch(socket: socket, what: what)
                return 0
            },
            asyncurl_multi_setopt_timer_function(multi) { _, timeoutMilliseconds, userp in
                guard let userp else { return 0 }
                Unmanaged<EpollDriver>.fromOpaque(userp).takeUnretainedValue().setTimer(milliseconds: timeoutMilliseconds)
                return 0
            }
        ]
        guard codes.allSatisfy({ $0 == CURLM_OK }) else {
            // The callbacks must not reach this driver once it is gone.
            _ = asyncurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, nil)
            _ = asyncurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, nil)
            return nil
        }
    }

    deinit {
        _ = close(epollFD)
    }

    /// Waits for ready sockets, a due timer or a wake-up, and lets libcurl act
    /// on them. Returns what failed (`epoll_wait`, `epoll_ctl` for a socket
    /// libcurl asked to watch, `curl_multi_socket_action`), if anything did:
    /// the caller backs off and reports it.
    func waitAndPerform(mayWait: () -> Bool) -> String? {
        var timeout: Int32 = 1000
        if let timerDeadline {
            let remaining = (timerDeadline - .now).roundedUpMilliseconds
            timeout = Int32(clamping: min(max(remaining, 0), 1000))
        }
        // Requests queued meanwhile are taken first: only the ready events are read.
        if timeout > 0, !mayWait() { timeout = 0 }
        let count = readyFDs.withUnsafeMutableBufferPointer { fds in
            readyEvents.withUnsafeMutableBufferPointer { events in
                asyncurl_epoll_wait(epollFD, fds.baseAddress, events.baseAddress, Int32(fds.count), timeout)
            }
        }
        if count < 0 { failure = failure ?? "epoll_wait: \(Self.errorText(errno))" }
        for index in 0..<Int(max(count, 0)) {
            let fd = readyFDs[index]
            if fd == wakeFD {
                asyncurl_eventfd_drain(wakeFD)
                continue
            }
            let events = readyEvents[index]
            var mask: Int32 = 0
            if events & asyncurl_epoll_in != 0 { mask |= CURL_CSELECT_IN }
            if events & asyncurl_epoll_out != 0 { mask |= CURL_CSELECT_OUT }
            if events & asyncurl_epoll_error != 0 { mask |= CURL_CSELECT_ERR }
            socketAction(fd, mask: mask)
        }
        // Timers run even when the wait failed: libcurl's time-outs still end the transfers.
        if let deadline = timerDeadline, deadline <= .now {
            timerDeadline = nil
            socketAction(-1, mask: 0)  // -1: CURL_SOCKET_TIMEOUT
        }
        defer { failure = nil }
        return failure
    }

    /// The first failure since the last ``waitAndPerform()`` returned.
    private var failure: String?

    private func socketAction(_ socket: Int32, mask: Int32) {
        var running: Int32 = 0
        let code = curl_multi_socket_action(multi, socket, mask, &running)
        // CURLM_BAD_SOCKET: libcurl already let go of a socket reported ready in the same batch.
        guard code != CURLM_OK, code != CURLM_BAD_SOCKET else { return }
        failure = failure ?? "curl_multi_socket_action: \(String(cString: curl_multi_strerror(code)))"
    }

    private func watch(socket: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            // ENOENT, EBADF: the descriptor was closed already, which ends its watch.
            if watched.remove(socket) != nil, asyncurl_epoll_unwatch(epollFD, socket) != 0, errno != ENOENT, errno != EBADF {
                failure = failure ?? "epoll_ctl (remove): \(Self.errorText(errno))"
            }
            return
        }
        var events: UInt32 = 0
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events |= asyncurl_epoll_in }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events |= asyncurl_epoll_out }
        let isNew = !watched.contains(socket)
        if asyncurl_epoll_watch(epollFD, socket, events, isNew ? 1 : 0) == 0 {
            watched.insert(socket)
        } else if !isNew, asyncurl_epoll_watch(epollFD, socket, events, 1) == 0 {
            // The descriptor was closed and reused behind our back: watch it afresh.
            watched.insert(socket)
        } else {
            // The transfer on it stalls until libcurl's time-out ends it.
            failure = failure ?? "epoll_ctl (watch): \(Self.errorText(errno))"
        }
    }

    /// Puts `/dev/null` in place of the epoll descriptor, so that every
    /// `epoll_wait` fails from now on (EINVAL). For tests of the back-off.
    func breakWaitForTesting() {
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { return }
        _ = dup2(null, epollFD)
        _ = Glibc.close(null)
    }

    private static func errorText(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: message)) (errno \(code))"
    }

    private func setTimer(milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    }
}
