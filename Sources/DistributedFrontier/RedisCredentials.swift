/// A user name (an ACL user; `nil`: the `default` user) and password sent
/// with `AUTH` on every new connection. Its description never shows the password.
public struct RedisCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The ACL user, or `nil` for Redis' `default` user (`requirepass`).
    public var username: String?
    /// The password.
    public var password: String

    /// The environment variable a password may come from, so that it stays
    /// out of the command line (and `ps`): `ASYNCURL_REDIS_PASSWORD`.
    public static let passwordVariable = "ASYNCURL_REDIS_PASSWORD"

    /// Creates credentials.
    public init(username: String? = nil, password: String) {
        self.username = username
        self.password = password
    }

    /// `AUTH [user] password`.
    var command: [[UInt8]] {
        [Array("AUTH".utf8)] + (username.map { [Array($0.utf8)] } ?? []) + [Array(password.utf8)]
    }

    /// `user:***` or `***`.
    public var description: String { (username.map { $0 + ":" } ?? "") + "***" }
}
