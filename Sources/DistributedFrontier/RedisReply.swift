/// One reply from Redis, copied out of hiredis' reply object.
public enum RedisReply: Sendable, Hashable {
    /// A status line such as `OK`.
    case status(String)
    /// An error reply, such as `NOSCRIPT No matching script`.
    case error(String)
    /// An integer.
    case integer(Int64)
    /// A bulk string (binary safe).
    case string([UInt8])
    /// A null bulk string or null array.
    case null
    /// An array of replies.
    case array([RedisReply])

    /// The reply as text, for bulk strings and status lines.
    public var text: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let line): line
        default: nil
        }
    }

    /// The reply as an integer: an integer reply, or a bulk string holding one.
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .string(let bytes): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    /// The elements of an array reply (empty for anything else).
    public var elements: [RedisReply] {
        if case .array(let elements) = self { return elements }
        return []
    }
}
