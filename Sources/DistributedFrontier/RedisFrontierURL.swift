/// Where a shared frontier lives: `redis://HOST:PORT/NAME`.
///
/// Every worker given the same URL works on crawl `NAME`, whose keys all
/// start with `asyncurl:{NAME}:` on that server (one Redis Cluster hash slot). The port defaults to 6379.
public struct RedisFrontierURL: Sendable, Hashable, CustomStringConvertible {
    /// Why a string is not a frontier URL.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The string as given.
        public var input: String
        /// What is wrong with it.
        public var reason: String
        /// `invalid frontier URL "…": reason`.
        public var description: String { "invalid frontier URL \"\(input)\": \(reason) (expected redis://HOST:PORT/NAME)" }
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The crawl's name.
    public var name: String

    /// The longest crawl name accepted.
    public static let maxNameLength = 200

    /// Creates a URL from its parts; the name is checked.
    public init(host: String, port: Int = 6379, name: String) throws(ParseError) {
        let shown = "redis://\(host):\(port)/\(name)"
        guard !host.isEmpty else { throw ParseError(input: shown, reason: "no host") }
        guard (1...65_535).contains(port) else { throw ParseError(input: shown, reason: "port out of range") }
        guard !name.isEmpty, name.utf8.count <= Self.maxNameLength,
              name.utf8.allSatisfy({ Self.isNameByte($0) }) else {
            throw ParseError(input: shown, reason: "the name must be 1 to \(Self.maxNameLength) letters, digits, '-', '_' or '.'")
        }
        self.host = host
        self.port = port
        self.name = name
    }

    /// Parses `redis://HOST[:PORT]/NAME`.
    public init(parsing text: String) throws(ParseError) {
        let scheme = "redis://"
        guard text.hasPrefix(scheme) else { throw ParseError(input: text, reason: "not a redis:// URL") }
        let rest = text.dropFirst(scheme.count)
        guard let slash = rest.firstIndex(of: "/") else { throw ParseError(input: text, reason: "no crawl name") }
        let authority = rest[..<slash]
        let name = String(rest[rest.index(after: slash)...])
        var host = String(authority)
        var port = 6379
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw ParseError(input: text, reason: "unclosed '['") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let tail = authority[authority.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":"), let value = Int(tail.dropFirst()) else { throw ParseError(input: text, reason: "bad port") }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let value = Int(authority[authority.index(after: colon)...]) else { throw ParseError(input: text, reason: "bad port") }
            port = value
        }
        do {
            try self.init(host: host, port: port, name: name)
        } catch {
            throw ParseError(input: text, reason: error.reason)
        }
    }

    /// `asyncurl:{NAME}:`, the prefix of every key of the crawl (the braces
    /// are a Redis Cluster hash tag: all the crawl's keys share one slot).
    public var keyPrefix: String { RedisKeys.prefix(crawl: name) }

    /// `redis://HOST:PORT/NAME`.
    public var description: String {
        host.contains(":") ? "redis://[\(host)]:\(port)/\(name)" : "redis://\(host):\(port)/\(name)"
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }
}
