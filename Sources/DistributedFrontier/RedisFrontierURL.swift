/// Where a shared frontier lives: `redis://[USER[:PASSWORD]@]HOST:PORT/NAME`,
/// or `rediss://…` for TLS.
///
/// The user name and password (percent-encoded in the URL, as in any URL)
/// are sent with `AUTH` on every connection; the password can also come
/// from the environment (``RedisCredentials/passwordVariable``) so that it
/// stays out of the command line. `rediss://` connects over TLS with the
/// server's certificate verified (``RedisTLS``: the trusted authorities and
/// an optional client certificate).
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
        public var description: String {
            "invalid frontier URL \"\(input)\": \(reason) (expected redis[s]://[USER[:PASSWORD]@]HOST:PORT/NAME)"
        }
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The crawl's name.
    public var name: String
    /// What `AUTH` is sent on each connection (`nil`: no `AUTH`).
    public var credentials: RedisCredentials?
    /// How the connection is secured (`nil`: plain TCP, `redis://`).
    public var tls: RedisTLS?

    /// The longest crawl name accepted.
    public static let maxNameLength = 200

    /// Creates a URL from its parts; the name is checked.
    public init(host: String, port: Int = 6379, name: String) throws(ParseError) {
        let shown = "redis://\(host):\(port)/\(name)"
        guard !host.isEmpty else { throw ParseError(input: shown, reason: "no host") }
        guard (1...65_535).contains(port) else { throw ParseError(input: shown, reason: "port out of range") }
        guard !name.isEmpty, name.utf8.count <= Self.maxNameLength,
            name.utf8.allSatisfy({ Self.isNameByte($0) })
        else {
            throw ParseError(input: shown, reason: "the name must be 1 to \(Self.maxNameLength) letters, digits, '-', '_' or '.'")
        }
        self.host = host
        self.port = port
        self.name = name
    }

    /// Parses `redis[s]://[USER[:PASSWORD]@]HOST[:PORT]/NAME`.
    /// - Parameters:
    ///   - text: the URL.
    ///   - environmentPassword: the password when the URL has none (the CLI
    ///     passes ``RedisCredentials/passwordVariable``'s value); one in the URL wins.
    ///   - tls: how a `rediss://` URL's connection is verified (ignored for `redis://`).
    /// - Throws: ``ParseError`` when the text is not such a URL.
    public init(parsing text: String, environmentPassword: String? = nil, tls: RedisTLS = RedisTLS()) throws(ParseError) {
        let shown = Self.redacted(text)
        let isTLS = text.hasPrefix("rediss://")
        let scheme = isTLS ? "rediss://" : "redis://"
        guard text.hasPrefix(scheme) else { throw ParseError(input: shown, reason: "not a redis:// or rediss:// URL") }
        let rest = text.dropFirst(scheme.count)
        guard let slash = rest.firstIndex(of: "/") else { throw ParseError(input: shown, reason: "no crawl name") }
        var authority = rest[..<slash]
        var credentials: RedisCredentials?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let user = userInfo.firstIndex(of: ":").map { userInfo[..<$0] } ?? userInfo
            let password = userInfo.firstIndex(of: ":").map { userInfo[userInfo.index(after: $0)...] }
            guard let decodedUser = Self.percentDecoded(user),
                let decodedPassword = password.map(Self.percentDecoded) ?? environmentPassword
            else {
                throw ParseError(input: shown, reason: "bad user name or password (percent-encode reserved characters)")
            }
            credentials = RedisCredentials(username: decodedUser.isEmpty ? nil : decodedUser, password: decodedPassword)
        } else if let environmentPassword {
            credentials = RedisCredentials(password: environmentPassword)
        }
        let name = String(rest[rest.index(after: slash)...])
        var host = String(authority)
        var port = 6379
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw ParseError(input: shown, reason: "unclosed '['") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let tail = authority[authority.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":"), let value = Int(tail.dropFirst()) else { throw ParseError(input: shown, reason: "bad port") }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let value = Int(authority[authority.index(after: colon)...]) else { throw ParseError(input: shown, reason: "bad port") }
            port = value
        }
        do {
            try self.init(host: host, port: port, name: name)
        } catch {
            throw ParseError(input: shown, reason: error.reason)
        }
        self.credentials = credentials
        self.tls = isTLS ? tls : nil
    }

    /// Opens a connection to the server (and authenticates, when there are credentials).
    public func connect(connectTimeout: Duration = .seconds(5)) async throws(RedisError) -> RedisConnection {
        try await RedisConnection.connect(host: host, port: port, connectTimeout: connectTimeout, credentials: credentials, tls: tls)
    }

    /// `asyncurl:{NAME}:`, the prefix of every key of the crawl (the braces
    /// are a Redis Cluster hash tag: all the crawl's keys share one slot).
    public var keyPrefix: String { RedisKeys.prefix(crawl: name) }

    /// `redis[s]://HOST:PORT/NAME` (with `USER:***@` when there are credentials: never the password).
    public var description: String {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return (tls == nil ? "redis://" : "rediss://") + (credentials.map { "\($0)@" } ?? "") + authority + "/\(name)"
    }

    /// `text` with the password of its user information replaced by `***`, for errors.
    private static func redacted(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else { return text }
        let start = text.index(colon, offsetBy: 3)
        let authorityEnd = text[start...].firstIndex(of: "/") ?? text.endIndex
        guard let at = text[start..<authorityEnd].lastIndex(of: "@") else { return text }
        let user = text[start..<at].split(separator: ":", maxSplits: 1).first ?? ""
        return String(text[..<start]) + user + ":***" + text[at...]
    }

    /// `%XX` escapes decoded; `nil` when an escape is malformed or the result is not UTF-8.
    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
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
