#if canImport(Glibc)
    import Glibc
#endif

/// Why a transfer failed, with the URL and libcurl's own code and message.
///
/// HTTP error statuses (404, 500...) are not `FetchError`s: they arrive as a
/// ``Response``. A `FetchError` means no complete response was had.
public struct FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    ///
    /// A struct of static values rather than an enum, so that new kinds can be
    /// added without breaking clients (as swift-nio does for its error codes):
    /// compare with `==`, or `switch` over the kinds you handle with a
    /// `default` case. ``rawValue`` (also the ``description``) is the kind's
    /// stable name, as used in crawl statistics and logs.
    public struct Kind: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        private enum Base: String, CaseIterable {
            case invalidURL, invalidRequest, dnsFailure, connectionFailed, timeout, tls, tooManyRedirects, forbiddenRedirect
            case urlTooLong, bodyTooLarge, headersTooLarge, connectionLost, decodingFailed, protocolError, cancelled
            case blockedAddress, other
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The kind named `rawValue`, or `nil` when no kind has that name.
        /// - Parameter rawValue: a kind's name, such as `"timeout"`.
        public init?(rawValue: String) {
            guard let base = Base(rawValue: rawValue) else { return nil }
            self.base = base
        }

        /// The kind's name, such as `"timeout"`.
        public var rawValue: String { base.rawValue }

        /// The kind's name, such as `"timeout"`.
        public var description: String { base.rawValue }

        /// Every kind this version of the library reports (more may come).
        public static var allCases: [Kind] { Base.allCases.map(Kind.init) }

        /// The URL could not be parsed, or its scheme is not `http`/`https`.
        public static let invalidURL = Kind(.invalidURL)
        /// The request cannot be sent as it is: its method is not an HTTP token.
        public static let invalidRequest = Kind(.invalidRequest)
        /// The host name did not resolve.
        public static let dnsFailure = Kind(.dnsFailure)
        /// No connection could be made (refused, unreachable).
        public static let connectionFailed = Kind(.connectionFailed)
        /// A time limit was reached (connect, total or idle).
        public static let timeout = Kind(.timeout)
        /// TLS failed: handshake, certificate or verification.
        public static let tls = Kind(.tls)
        /// More redirects than the policy allows.
        public static let tooManyRedirects = Kind(.tooManyRedirects)
        /// A redirect pointed to a scheme other than `http`/`https` (`file:`, `ftp:`...).
        public static let forbiddenRedirect = Kind(.forbiddenRedirect)
        /// A redirect pointed to a URL longer than ``FetchClient/Configuration/maxURLLength``.
        public static let urlTooLong = Kind(.urlTooLong)
        /// The decoded body was larger than the limit.
        public static let bodyTooLarge = Kind(.bodyTooLarge)
        /// The response header block was larger than the limit.
        public static let headersTooLarge = Kind(.headersTooLarge)
        /// The connection broke: reset, closed early, or a body shorter than declared.
        public static let connectionLost = Kind(.connectionLost)
        /// The body could not be decoded (bad gzip, brotli, ...).
        public static let decodingFailed = Kind(.decodingFailed)
        /// The server broke the HTTP protocol.
        public static let protocolError = Kind(.protocolError)
        /// The task was cancelled, or the client shut down.
        public static let cancelled = Kind(.cancelled)
        /// The address the host resolved to is refused by the client's ``AddressPolicy``.
        public static let blockedAddress = Kind(.blockedAddress)
        /// Any other failure (of libcurl, or of the event loop).
        public static let other = Kind(.other)
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
        [.timeout, .connectionLost, .connectionFailed, .dnsFailure, .protocolError].contains(kind)
    }

    /// `kind: message (url)`, with the libcurl code when there is one.
    public var description: String {
        if let curlCode {
            return "\(kind.rawValue): \(message) (curl \(curlCode)) [\(url)]"
        }
        return "\(kind.rawValue): \(message) [\(url)]"
    }
}
