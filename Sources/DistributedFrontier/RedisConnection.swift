import AsyncURLSupport
internal import CHiredis
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// One connection to a Redis server through hiredis, usable from any task.
///
/// hiredis is blocking, so every call on the connection runs on the
/// connection's own serial dispatch queue, never on Swift's cooperative pool;
/// callers await a continuation. Commands sent while others are on the wire
/// are pipelined: the queue appends every waiting command, then reads their
/// replies in order (one round trip for many callers). Arguments go as argv
/// with explicit lengths, so they are binary safe.
///
/// After an I/O error the connection is dropped; the next command reconnects
/// (and authenticates again, when there are credentials). A server that went
/// away while a command was written gives an error (`EPIPE`), never a
/// SIGPIPE: the signal is blocked on the connection's thread while hiredis
/// reads and writes, and one it raised is consumed there (the process's own
/// SIGPIPE handling is left as it is).
/// A long blocking command (`BLPOP`) holds the connection: give it its own.
///
/// With ``RedisTLS`` settings the connection is TLS (`rediss://`): hiredis
/// talks plain RESP over a local socket pair, and a TLS relay (`RedisTLSBridge`) owned
/// by the connection relays it through a verified TLS connection to the
/// server; reconnects and time-outs work the same way through it.
public final class RedisConnection: @unchecked Sendable {
    // `context` is only touched on `queue` (and in deinit, when no work can be left).

    /// The server's host name or address.
    public let host: String
    /// The server's port.
    public let port: Int
    /// `host:port`, for errors.
    public var address: String { "\(host):\(port)" }
    private let connectTimeout: Duration
    private let commandTimeout: Duration
    private let credentials: RedisCredentials?
    private let tls: RedisTLS?
    private let queue: DispatchQueue
    private var context: UnsafeMutablePointer<redisContext>?
    private let pending = LockedState(Pending())
    /// SHA-1s of the scripts loaded, by the source's length in UTF-8 bytes:
    /// hashing a source of several KiB on every call cost about 1% of a
    /// worker's CPU; a length, then `==` (at once for the same literal), does not.
    private let scriptHashes = LockedState<[Int: [(source: String, hash: String)]]>([:])

    private struct Request {
        var commands: [[[UInt8]]]
        var continuation: CheckedContinuation<Result<[RedisReply], RedisError>, Never>
    }

    private struct Pending {
        var requests: [Request] = []
        var isDraining = false
    }

    private init(
        host: String, port: Int, connectTimeout: Duration, commandTimeout: Duration, credentials: RedisCredentials?, tls: RedisTLS?
    ) {
        self.host = host
        self.tls = tls
        self.port = port
        self.credentials = credentials
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        queue = DispatchQueue(label: "asyncurl.redis.\(host):\(port)")
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Connects to `host:port`.
    /// - Parameters:
    ///   - host: the server's host name or address.
    ///   - port: the server's port.
    ///   - connectTimeout: the longest wait for the connection.
    ///   - commandTimeout: the longest wait for one reply (longer than any blocking command's own time-out).
    ///   - credentials: sent with `AUTH` on this and every later connection; a refusal throws ``RedisError/Cause/authentication(_:)``.
    ///   - tls: connect over TLS with these settings (`nil`: plain TCP).
    /// - Throws: ``RedisError`` when no connection can be made, TLS or its certificate check fails, or `AUTH` is refused.
    public static func connect(
        host: String, port: Int, connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(30), credentials: RedisCredentials? = nil,
        tls: RedisTLS? = nil
    ) async throws(RedisError) -> RedisConnection {
        let connection = RedisConnection(
            host: host, port: port, connectTimeout: connectTimeout, commandTimeout: commandTimeout,
            credentials: credentials, tls: tls)
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, RedisError>, Never>) in
            connection.queue.async {
                continuation.resume(returning: withSIGPIPEBlocked { connection.ensureConnected() })
            }
        }
        try result.get()
        return connection
    }

    /// Sends one command and returns its reply (an error reply is a value, not a throw).
    public func send(_ arguments: [[UInt8]]) async throws(RedisError) -> RedisReply {
        let replies = try await pipeline([arguments])
        guard let reply = replies.first else { throw RedisError(address: address, cause: .unexpectedReply("no reply")) }
        return reply
    }

    /// Sends one command given as text arguments.
    public func send(_ arguments: String...) async throws(RedisError) -> RedisReply {
        try await send(arguments.map { Array($0.utf8) })
    }

    /// Sends several commands in one write and reads their replies, in order.
    public func pipeline(_ commands: [[[UInt8]]]) async throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[RedisReply], RedisError>, Never>) in
            let startsDrain = pending.withLock { state -> Bool in
                state.requests.append(Request(commands: commands, continuation: continuation))
                guard !state.isDraining else { return false }
                state.isDraining = true
                return true
            }
            if startsDrain {
                queue.async { self.drain() }
            }
        }
        return try result.get()
    }

    /// Runs a Lua script: `EVALSHA` with the script's hash (loaded once per
    /// connection), and `EVAL` with its body when the server answers
    /// `NOSCRIPT` (after a restart or `SCRIPT FLUSH`). An error reply throws.
    /// - Parameters:
    ///   - script: the Lua source.
    ///   - keys: the keys the script touches (`KEYS`).
    ///   - arguments: its other arguments (`ARGV`).
    ///   - earlier: commands sent first, in the same write (their replies are not returned).
    /// - Returns: the script's reply.
    /// - Throws: ``RedisError`` when the server cannot be reached or the script fails.
    public func evaluate(_ script: String, keys: [[UInt8]] = [], arguments: [[UInt8]], after earlier: [[[UInt8]]] = [])
        async throws(RedisError) -> RedisReply
    {
        let length = script.utf8.count
        var hash = scriptHashes.withLock { $0[length]?.first { $0.source == script }?.hash }
        if hash == nil {
            let loaded = try await send(["SCRIPT", "LOAD", script].map { Array($0.utf8) })
            guard case .string(let bytes) = loaded else {
                throw RedisError(address: address, cause: .unexpectedReply("SCRIPT LOAD: \(loaded)"))
            }
            let text = String(decoding: bytes, as: UTF8.self)
            scriptHashes.withLock { hashes in
                if hashes[length]?.contains(where: { $0.source == script }) != true { hashes[length, default: []].append((script, text)) }
            }
            hash = text
        }
        let tail = [Array(String(keys.count).utf8)] + keys + arguments
        var reply = try await pipeline(earlier + [[Array("EVALSHA".utf8), Array((hash ?? "").utf8)] + tail]).last ?? .null
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            reply = try await send([Array("EVAL".utf8), Array(script.utf8)] + tail)
        }
        if case .error(let message) = reply { throw RedisError(address: address, cause: .server(message)) }
        return reply
    }

    // MARK: On the queue

    /// Sends every waiting request's commands in one go, then reads and hands out the replies.
    private func drain() {
        while true {
            let batch = pending.withLock { state -> [Request] in
                let taken = state.requests
                state.requests.removeAll()
                if taken.isEmpty { state.isDraining = false }
                return taken
            }
            if batch.isEmpty { return }
            let results = withSIGPIPEBlocked { execute(batch.map(\.commands)) }
            for (request, result) in zip(batch, results) {
                request.continuation.resume(returning: result)
            }
        }
    }

    /// Appends all commands of all requests, then reads one reply per command.
    private func execute(_ requests: [[[[UInt8]]]]) -> [Result<[RedisReply], RedisError>] {
        if case .failure(let error) = ensureConnected() {
            return requests.map { _ in .failure(error) }
        }
        guard let context else { return requests.map { _ in .failure(RedisError(address: address, cause: .io("not connected"))) } }
        for commands in requests {
            for command in commands where !Self.append(command, to: context) {
                return requests.map { _ in .failure(dropConnection()) }
            }
        }
        var results: [Result<[RedisReply], RedisError>] = []
        for commands in requests {
            var replies: [RedisReply] = []
            replies.reserveCapacity(commands.count)
            for _ in commands {
                var raw: UnsafeMutableRawPointer?
                guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                    let error = dropConnection()
                    return results + Array(repeating: .failure(error), count: requests.count - results.count)
                }
                let reply = raw.assumingMemoryBound(to: redisReply.self)
                replies.append(Self.convert(reply))
                freeReplyObject(raw)
            }
            results.append(.success(replies))
        }
        return results
    }

    private func ensureConnected() -> Result<Void, RedisError> {
        if context != nil { return .success(()) }
        let made: UnsafeMutablePointer<redisContext>
        switch makeContext() {
        case .success(let context): made = context
        case .failure(let error): return .failure(error)
        }
        _ = redisSetTimeout(made, commandTimeout.timeval)
        // AUTH with the credentials, or a PING that says whether the server wants them.
        do {
            var raw: UnsafeMutableRawPointer?
            guard Self.append(credentials?.command ?? [Array("PING".utf8)], to: made), redisGetReply(made, &raw) == REDIS_OK, let raw else {
                let message = Self.errorText(made)
                redisFree(made)
                return .failure(RedisError(address: address, cause: .connect(message)))
            }
            let reply = Self.convert(raw.assumingMemoryBound(to: redisReply.self))
            freeReplyObject(raw)
            if case .error(let message) = reply, credentials != nil || message.hasPrefix("NOAUTH") {
                redisFree(made)
                return .failure(RedisError(address: address, cause: .authentication(message)))
            }
        }
        context = made
        return .success(())
    }

    /// A connected hiredis context: over TCP (with keep-alive), or over a
    /// local socket to a TLS bridge (whose TCP connection has keep-alive).
    private func makeContext() -> Result<UnsafeMutablePointer<redisContext>, RedisError> {
        var made: UnsafeMutablePointer<redisContext>?
        if let tls {
            switch RedisTLSBridge.open(host: host, port: port, tls: tls, timeout: connectTimeout) {
            case .success(let socket):
                made = redisConnectFd(socket)
                // hiredis owns the socket once it has a context; without one it is closed here.
                if made == nil { close(socket) }
            case .failure(let failure):
                return .failure(RedisError(address: address, cause: failure.cause))
            }
        } else {
            made = redisConnectWithTimeout(host, Int32(port), connectTimeout.timeval)
            if let made, made.pointee.err == 0 {
                _ = redisEnableKeepAlive(made)
                // hiredis opens it without close-on-exec: a program started later keeps none of ours.
                _ = fcntl(made.pointee.fd, F_SETFD, FD_CLOEXEC)
            }
        }
        guard let made else { return .failure(RedisError(address: address, cause: .connect("out of memory"))) }
        if made.pointee.err != 0 {
            let message = Self.errorText(made)
            redisFree(made)
            return .failure(RedisError(address: address, cause: .connect(message)))
        }
        return .success(made)
    }

    /// Frees a broken context (hiredis cannot use it again) and says why it broke.
    private func dropConnection() -> RedisError {
        guard let context else { return RedisError(address: address, cause: .io("not connected")) }
        let message = Self.errorText(context)
        redisFree(context)
        self.context = nil
        return RedisError(address: address, cause: .io(message))
    }

    private static func append(_ arguments: [[UInt8]], to context: UnsafeMutablePointer<redisContext>) -> Bool {
        let total = arguments.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, total), alignment: 1)
        defer { storage.deallocate() }
        var argv: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        argv.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        var offset = 0
        for argument in arguments {
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { (storage + offset).copyMemory(from: base, byteCount: bytes.count) }
            }
            argv.append(UnsafePointer((storage + offset).assumingMemoryBound(to: CChar.self)))
            lengths.append(argument.count)
            offset += argument.count
        }
        // hiredis copies the arguments into its output buffer here.
        return redisAppendCommandArgv(context, Int32(arguments.count), &argv, lengths) == REDIS_OK
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .string(bytes(value.str, count: value.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(value.str, count: value.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(value.str, count: value.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                if let element = value.element?[index] { elements.append(convert(element)) } else { elements.append(.null) }
            }
            return .array(elements)
        default:
            return .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let text = raw.prefix { $0 != 0 }
            return text.isEmpty ? "error \(context.pointee.err)" : String(decoding: text, as: UTF8.self)
        }
    }
}
