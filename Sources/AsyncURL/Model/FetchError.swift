#if canImport(Glibc)
import Glibc
#endif

/// Why a transfer failed, with the URL and libcurl's own code and message.
///
/// HTTP error statuses (404, 500...) are not `FetchError`s: they arrive as a
/// ``Response``. A `FetchError` means no complete response was had.
public struct FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The URL could not be parsed, or its scheme is not `http`/`https`.
        case invalidURL
        /// The request cannot be sent as it is: its method is not an HTTP token.
        case invalidRequest
        /// The host name did not resolve.
        case dnsFailure
        /// No connection could be made (refused, unreachable).
        case connectionFailed
        /// A time limit was reached (connect, total or idle).
        case timeout
        /// TLS failed: handshake, certificate or verification.
        case tls
        /// More redirects than the policy allows.
        case tooManyRedirects
        /// A redirect pointed to a scheme other than `http`/`https` (`file:`, `ftp:`...).
        case forbiddenRedirect
        /// A redirect pointed to a URL longer than ``FetchClient/Configuration/maxURLLength``.
        case urlTooLong
        /// The decoded body was larger than the limit.
        case bodyTooLarge
        /// The response header block was larger than the limit.
        case headersTooLarge
        /// The connection broke: reset, closed early, or a body shorter than declared.
        case connectionLost
        /// The body could not be decoded (bad gzip, brotli, ...).
        case decodingFailed
        /// The server broke the HTTP protocol.
        case protocolError
        /// The task was cancelled, or the client shut down.
        case cancelled
        /// The address the host resolved to is refused by the client's ``AddressPolicy``.
        case blockedAddress
        /// Any other libcurl failure.
        case other
    }

    /// The class of failure.
    public var kind: Kind
    /// The URL being fetched when the failure happened (the last hop's URL when redirects were followed).
    public var url: String
    /// libcurl's `CURLcode`, when libcurl reported the failure.
    public var curlCode: Int?
    /// A human-readable explanation (libcurl's error buffer when it had one).
    public var message: String
    /// The system's error number (`errno`) behind a failed connection
    /// (`ECONNREFUSED`, `ENETUNREACH`...), when libcurl reported one.
    public var systemErrorNumber: Int32?

    /// Creates an error value.
    /// - Parameters:
    ///   - kind: the class of failure.
    ///   - url: the URL being fetched when it happened.
    ///   - curlCode: libcurl's `CURLcode`, when libcurl reported the failure.
    ///   - message: a human-readable explanation.
    ///   - systemErrorNumber: the system's error number behind a failed connection.
    public init(kind: Kind, url: String, curlCode: Int? = nil, message: String, systemErrorNumber: Int32? = nil) {
        self.kind = kind
        self.url = url
        self.curlCode = curlCode
        self.message = message
        self.systemErrorNumber = systemErrorNumber
    }

    /// A few words saying what happened, for one-line reports: `connection
    /// refused`, `timed out`, `host name not found`; the message for kinds
    /// without a short phrase.
    public var reason: String {
        switch kind {
        case .connectionFailed:
            guard let number = systemErrorNumber, let text = strerror(number) else { return "connection failed" }
            return String(cString: text).lowercased()
        case .timeout: return "timed out"
        case .dnsFailure: return "host name not found"
        case .cancelled: return "cancelled"
        default: return message
        }
    }

    /// Whether trying again later may succeed (time-outs, lost connections,
    /// DNS and connection failures); `false` for failures that would repeat.
    public var isTransient: Bool {
        switch kind {
        case .timeout, .connectionLost, .connectionFailed, .dnsFailure, .protocolError: true
        default: false
        }
    }

    /// `kind: message (url)`, with the libcurl code when there is one.
    public var description: String {
        if let curlCode {
            return "\(kind.rawValue): \(message) (curl \(curlCode)) [\(url)]"
        }
        return "\(kind.rawValue): \(message) [\(url)]"
    }
}
