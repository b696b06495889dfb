import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The HTTP version a response came over.
public enum HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// HTTP/1.0.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    case http1_0
    /// HTTP/1.1.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    case http1_1
    /// HTTP/2.
    case http2
    /// HTTP/3.
    case http3
    /// A version libcurl did not report.
    case unknown

    /// The version as written in a status line, for example `HTTP/1.1`.
    public var description: String {
        switch self {
        case .http1_0: "HTTP/1.0"
        case .http1_1: "HTTP/1.1"
        case .http2: "HTTP/2"
        case .http3: "HTTP/3"
        case .unknown: "HTTP/?"
        }
    }
}

/// How long the phases of a transfer took, each measured from the start of its
/// last hop (libcurl's `*_TIME_T` values), plus the whole transfer's duration.
public struct TransferTimings: Sendable, Hashable {
    /// Until the host name was resolved.
    public var nameLookup: Duration
    /// Until the TCP connection was made.
    public var connect: Duration
    /// Until the TLS handshake finished (zero for plain HTTP).
    public var tlsHandshake: Duration
    /// Until the first response byte arrived.
    public var firstByte: Duration
    /// The last hop, from start to end.
    public var lastHop: Duration
    /// The whole transfer, every redirect hop included, as seen by AsyncURL.
    public var total: Duration

    /// Creates a timings record.
    public init(nameLookup: Duration, connect: Duration, tlsHandshake: Duration, firstByte: Duration, lastHop: Duration, total: Duration) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.lastHop = lastHop
        self.total = total
    }
}

/// The outcome of a successful transfer: a complete HTTP response.
///
/// Any status, 404 and 500 included, is a response; only transport failures
/// and broken limits are ``FetchError``s.
public struct Response: Sendable {
    /// The request this answers, as it was given (before redirects).
    public var request: Request
    /// The URL of the final response, after every redirect followed.
    public var finalURL: String
    /// The HTTP status code of the final response.
    public var status: Int
    /// The final response's header fields.
    public var headers: HTTPHeaders
    /// The decoded body (empty for `HEAD`, or when the request set ``Request/keepsBody`` to `false`).
    public var body: Data
    /// The redirects followed, in order.
    public var redirectChain: [RedirectHop]
    /// How long the phases took.
    public var timings: TransferTimings
    /// The HTTP version of the final response.
    public var httpVersion: HTTPVersion
    /// The number of body bytes received on the wire for the final hop (before decoding).
    public var bytesOnWire: Int
    /// The number of decoded body bytes delivered (to ``body`` and any consumer).
    public var decodedBodyBytes: Int
    /// Every hop's exchange as it crossed the wire, redirects first, when the
    /// request set ``Request/capturesExchange``; empty otherwise.
    public var capturedHops: [CapturedHop]
    /// Whether the body was cut at the size limit (only for a request that
    /// ``Request/truncatesBody``): what was read is all there is here.
    public var isTruncated = false

    /// Creates a response record.
    public init(
        request: Request, finalURL: String, status: Int, headers: HTTPHeaders, body: Data, redirectChain: [RedirectHop],
        timings: TransferTimings, httpVersion: HTTPVersion, bytesOnWire: Int, decodedBodyBytes: Int, capturedHops: [CapturedHop] = []
    ) {
        self.request = request
        self.finalURL = finalURL
        self.status = status
        self.headers = headers
        self.body = body
        self.redirectChain = redirectChain
        self.timings = timings
        self.httpVersion = httpVersion
        self.bytesOnWire = bytesOnWire
        self.decodedBodyBytes = decodedBodyBytes
        self.capturedHops = capturedHops
    }

    /// The request's URL (before redirects).
    public var url: String { request.url }

    /// Whether the status is in the 2xx range.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The media type of the `Content-Type` header, lower-cased, without parameters.
    public var mediaType: String? {
        headers["Content-Type"].map { MediaType(contentType: $0).essence }
    }

    /// The `charset` parameter of the `Content-Type` header, lower-cased, if any.
    public var charset: String? {
        headers["Content-Type"].flatMap { MediaType(contentType: $0).charset }
    }

    /// The body as text: decoded with the response's charset when the C
    /// library's iconv knows it, else as UTF-8 with invalid bytes replaced.
    public var text: String {
        if let charset, let decoded = TextDecoding.decode(body, charset: charset) {
            return decoded
        }
        return String(decoding: body, as: UTF8.self)
    }
}
