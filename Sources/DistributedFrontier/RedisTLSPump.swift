import AsyncURLSupport
internal import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// Relays bytes between hiredis' local socket and a TLS connection to the
/// server (see ``RedisTLSBridge``), on a thread of its own: both sockets
/// non-blocking, one `poll` for both, a bounded buffer each way (64 KiB: a
/// side that does not read stops the other from being read).
///
/// It owns the `SSL` and both sockets and frees each once, when ``run()``
/// ends: hiredis closed its end, the server closed the TLS connection, or an
/// I/O error. SIGPIPE is blocked on its thread while it runs.
final class RedisTLSPump: @unchecked Sendable {
    // Everything is touched only by `run()`, on one thread.
    private let ssl: OpaquePointer
    private let server: Int32
    private let local: Int32
    /// Bytes from hiredis on their way to the server, and from the server on their way to hiredis.
    private var toServer = RelayBuffer()
    private var toLocal = RelayBuffer()

    /// The most bytes read at once from either side.
    static let chunkSize = 65_536

    /// Takes ownership of a connected `ssl` over `server`, and of hiredis' peer socket `local`.
    init(ssl: OpaquePointer, server: Int32, local: Int32) {
        self.ssl = ssl
        self.server = server
        self.local = local
    }

    /// Relays until either side closes, then frees everything.
    func run() {
        withSIGPIPEBlocked {
            _ = fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK)
            _ = fcntl(local, F_SETFL, fcntl(local, F_GETFL) | O_NONBLOCK)
            var keepAlive: Int32 = 1
            setsockopt(server, SOL_SOCKET, SO_KEEPALIVE, &keepAlive, socklen_t(MemoryLayout<Int32>.size))
            relay()
            _ = SSL_shutdown(ssl)
            SSL_free(ssl)
            // The thread is a shared one: leave its OpenSSL error queue empty for the next user.
            ERR_clear_error()
            close(server)
            close(local)
        }
    }

    /// What the TLS side waits for before it can go on.
    private struct Wants {
        var read = false
        var write = false
    }

    private func relay() {
        while true {
            var wants = Wants()
            guard let movedToServer = fromLocal(), let sent = toTLS(&wants), let received = fromTLS(&wants),
                let movedToLocal = toLocalSocket()
            else { return }
            if movedToServer || sent || received || movedToLocal { continue }
            guard waitForEvents(wants) else { return }
        }
    }

    /// Reads hiredis' bytes when the buffer is empty; whether any came (`nil`: hiredis closed its end).
    private func fromLocal() -> Bool? {
        guard toServer.isEmpty else { return false }
        let (count, error) = toServer.fill { read(local, $0, $1) }
        if count > 0 { return true }
        return count < 0 && (error == EAGAIN || error == EINTR) ? false : nil
    }

    /// Writes buffered bytes to the TLS connection; whether any went (`nil`: it failed).
    private func toTLS(_ wants: inout Wants) -> Bool? {
        guard !toServer.isEmpty else { return false }
        // SSL_get_error reads the thread's error queue: it must hold nothing older.
        ERR_clear_error()
        let (count, _) = toServer.drain { SSL_write(ssl, $0, Int32($1)) }
        if count > 0 { return true }
        return note(SSL_get_error(ssl, Int32(count)), in: &wants) ? false : nil
    }

    /// Reads the server's bytes when the buffer is empty; whether any came (`nil`: the server closed, or it failed).
    private func fromTLS(_ wants: inout Wants) -> Bool? {
        guard toLocal.isEmpty else { return false }
        ERR_clear_error()
        let (count, _) = toLocal.fill { SSL_read(ssl, $0, Int32($1)) }
        if count > 0 { return true }
        return note(SSL_get_error(ssl, Int32(count)), in: &wants) ? false : nil
    }

    /// Writes buffered bytes to hiredis; whether any went (`nil`: hiredis closed its end).
    private func toLocalSocket() -> Bool? {
        guard !toLocal.isEmpty else { return false }
        let (count, error) = toLocal.drain { send(local, $0, $1, Int32(MSG_NOSIGNAL)) }
        if count > 0 { return true }
        return count < 0 && (error == EAGAIN || error == EINTR) ? false : nil
    }

    /// Records what a TLS call that made no progress waits for; `false` when it failed for good.
    private func note(_ error: Int32, in wants: inout Wants) -> Bool {
        switch error {
        case SSL_ERROR_WANT_READ: wants.read = true
        case SSL_ERROR_WANT_WRITE: wants.write = true
        default: return false
        }
        return true
    }

    /// Sleeps until a side can go on; `false` when either side hung up or failed.
    private func waitForEvents(_ wants: Wants) -> Bool {
        var localEvents: Int16 = 0
        if toServer.isEmpty { localEvents |= Int16(POLLIN) }
        if !toLocal.isEmpty { localEvents |= Int16(POLLOUT) }
        var serverEvents: Int16 = 0
        if wants.read { serverEvents |= Int16(POLLIN) }
        if wants.write { serverEvents |= Int16(POLLOUT) }
        var descriptors = [pollfd(fd: local, events: localEvents, revents: 0), pollfd(fd: server, events: serverEvents, revents: 0)]
        let ready = poll(&descriptors, 2, -1)
        if ready < 0 { return errno == EINTR }
        let failed = Int16(POLLERR | POLLHUP | POLLNVAL)
        // The server's hang-up is noticed by SSL_read (after the bytes it sent before it);
        // one that leaves nothing to wait for ends the relay here.
        if descriptors[0].revents & failed != 0 { return false }
        return descriptors[1].revents & failed == 0 || descriptors[1].revents & Int16(POLLIN) != 0
    }
}

/// A fixed buffer of up to ``RedisTLSPump/chunkSize`` bytes, filled whole and drained from the front.
private struct RelayBuffer {
    private var storage = [UInt8](repeating: 0, count: RedisTLSPump.chunkSize)
    private var start = 0
    private var end = 0

    var isEmpty: Bool { start == end }

    /// Fills the empty buffer with `read(pointer, capacity)`; returns what it
    /// returned, and `errno` as it was right after.
    mutating func fill<Count: BinaryInteger>(_ read: (UnsafeMutableRawPointer, Int) -> Count) -> (count: Int, errno: Int32) {
        let (count, error) = storage.withUnsafeMutableBytes { bytes -> (Int, Int32) in
            // A full-size, non-empty array: its base address exists.
            guard let base = bytes.baseAddress else { return (0, 0) }
            let count = Int(read(base, bytes.count))
            return (count, errno)
        }
        (start, end) = (0, max(0, count))
        return (count, error)
    }

    /// Hands the unsent bytes to `write(pointer, count)` and drops what it
    /// took; returns what it returned, and `errno` as it was right after.
    mutating func drain<Count: BinaryInteger>(_ write: (UnsafeRawPointer, Int) -> Count) -> (count: Int, errno: Int32) {
        let (from, to) = (start, end)
        let (count, error) = storage.withUnsafeBytes { bytes -> (Int, Int32) in
            guard let base = bytes.baseAddress else { return (0, 0) }
            let count = Int(write(base + from, to - from))
            return (count, errno)
        }
        if count > 0 { start += count }
        return (count, error)
    }
}
