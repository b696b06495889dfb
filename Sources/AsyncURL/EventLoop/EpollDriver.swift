import AsyncURLSupport
import CCurl
import CEpoll
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

    /// Creates the epoll instance, watches `wakeFD`, and installs the callbacks.
    init?(multi: UnsafeMutableRawPointer, wakeFD: Int32) {
        let epollFD = asyncurl_epoll_create()
        guard epollFD >= 0 else { return nil }
        guard asyncurl_epoll_watch(epollFD, wakeFD, asyncurl_epoll_in, 1) == 0 else {
            _ = close(epollFD)
            return nil
        }
        self.multi = multi
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = asyncurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        _ = asyncurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        _ = asyncurl_multi_setopt_socket_function(multi) { _, socket, what, userp, _ in
            guard let userp else { return 0 }
            Unmanaged<EpollDriver>.fromOpaque(userp).takeUnretainedValue().watch(socket: socket, what: what)
            return 0
        }
        _ = asyncurl_multi_setopt_timer_function(multi) { _, timeoutMilliseconds, userp in
            guard let userp else { return 0 }
            Unmanaged<EpollDriver>.fromOpaque(userp).takeUnretainedValue().setTimer(milliseconds: timeoutMilliseconds)
            return 0
        }
    }

    deinit {
        _ = close(epollFD)
    }

    /// Waits for ready sockets, a due timer or a wake-up, and lets libcurl act on them.
    func waitAndPerform() {
        var timeout: Int32 = 1000
        if let timerDeadline {
            let remaining = (timerDeadline - .now).roundedUpMilliseconds
            timeout = Int32(clamping: min(max(remaining, 0), 1000))
        }
        let count = readyFDs.withUnsafeMutableBufferPointer { fds in
            readyEvents.withUnsafeMutableBufferPointer { events in
                asyncurl_epoll_wait(epollFD, fds.baseAddress, events.baseAddress, Int32(fds.count), timeout)
            }
        }
        var running: Int32 = 0
        if count > 0 {
            for index in 0..<Int(count) {
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
                _ = curl_multi_socket_action(multi, fd, mask, &running)
            }
        }
        if let deadline = timerDeadline, deadline <= .now {
            timerDeadline = nil
            _ = curl_multi_socket_action(multi, -1 /* CURL_SOCKET_TIMEOUT */, 0, &running)
        }
    }

    private func watch(socket: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(socket) != nil {
                _ = asyncurl_epoll_unwatch(epollFD, socket)
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
        }
    }

    private func setTimer(milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    }
}
