import AsyncURLSupport

/// Why a Redis command failed: where, and the cause.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Cause: Sendable, Hashable {
        /// No connection could be made (refused, unknown host, time-out).
        case connect(String)
        /// The connection failed while sending or reading (closed, time-out).
        case io(String)
        /// Redis answered with an error reply.
        case server(String)
        /// The reply did not have the expected shape.
        case unexpectedReply(String)
        /// `AUTH` was refused (wrong user name or password), or the server wants a password and none was given.
        case authentication(String)
        /// The TLS connection could not be set up (a CA or client certificate
        /// file that cannot be read, no common protocol, the handshake failed).
        case tls(String)
        /// The server's certificate does not chain to a trusted authority
        /// (`--redis-ca`, or the system's store), or is expired or malformed.
        case certificateNotTrusted(String)
        /// The server's certificate is not for the host in the URL.
        case hostnameMismatch(String)
        /// Redis stayed unreachable for longer than the worker waits (`--redis-timeout`).
        case unavailable(since: Duration, last: String)
    }

    /// `host:port` of the Redis server.
    public var address: String
    /// What went wrong.
    public var cause: Cause

    /// Creates an error.
    public init(address: String, cause: Cause) {
        self.address = address
        self.cause = cause
    }

    /// `redis host:port: cause`.
    public var description: String {
        switch cause {
        case .connect(let message): "redis \(address): cannot connect: \(message)"
        case .io(let message): "redis \(address): connection failed: \(message)"
        case .server(let message): "redis \(address): \(message)"
        case .unexpectedReply(let message): "redis \(address): unexpected reply: \(message)"
        case .authentication(let message):
            "redis \(address): authentication failed: \(message) (check the user name and password in the URL or in $ASYNCURL_REDIS_PASSWORD)"
        case .tls(let message): "redis \(address): TLS failed: \(message)"
        case .certificateNotTrusted(let message):
            "redis \(address): the server's certificate is not trusted: \(message) (give its CA with --redis-ca or $ASYNCURL_REDIS_CA)"
        case .hostnameMismatch(let message): "redis \(address): TLS hostname mismatch: \(message)"
        case .unavailable(let since, let last):
            "redis \(address): unreachable for \(since.flooredMilliseconds / 1000) s, giving up (--redis-timeout); last error: \(last)"
        }
    }
}
