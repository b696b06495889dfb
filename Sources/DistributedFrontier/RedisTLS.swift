/// How a `rediss://` connection is secured: which certificate authorities
/// vouch for the server, and the client's own certificate for mutual TLS.
///
/// The server's certificate must chain to a trusted authority and name the
/// host of the URL (a DNS name, or an IP address in its subject alternative
/// names); otherwise the connection fails with
/// ``RedisError/Cause/certificateNotTrusted(_:)`` or
/// ``RedisError/Cause/hostnameMismatch(_:)``. TLS 1.2 is the oldest version accepted.
public struct RedisTLS: Sendable, Hashable {
    /// A PEM file of the certificate authorities to trust; `nil`: the
    /// system's store (`/etc/ssl/certs`).
    public var caFile: String?
    /// A PEM file with the client's certificate (and its chain), for servers
    /// that require client certificates (`tls-auth-clients yes`); `nil`: none.
    public var certificateFile: String?
    /// The PEM file of the client certificate's private key (the certificate file when `nil`).
    public var keyFile: String?

    /// The environment variable the CLI reads a CA file from when
    /// `--redis-ca` is not given: `ASYNCURL_REDIS_CA`.
    public static let caFileVariable = "ASYNCURL_REDIS_CA"

    /// Creates TLS settings.
    /// - Parameters:
    ///   - caFile: a PEM file of the authorities to trust (`nil`: the system's store).
    ///   - certificateFile: the client certificate for mutual TLS (`nil`: none).
    ///   - keyFile: its private key (`nil`: read from `certificateFile`).
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}
