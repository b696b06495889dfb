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
        }
    }
}
