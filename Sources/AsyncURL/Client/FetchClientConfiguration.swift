internal import CCurl
import Logging

extension FetchClient {
    /// Which HTTP version the client asks for.
    public enum HTTPVersionPreference: Sendable, Hashable {
        /// HTTP/1.1 only.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        case http1_1
        /// HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1 otherwise. The default.
        case http2OverTLS
        /// HTTP/2 without upgrade on cleartext connections too ("prior knowledge").
        ///
        /// libcurl 7.88 (Debian 12's) fails transfers that reuse a
        /// prior-knowledge connection with "Error in the HTTP2 framing layer"
        /// (curl issue 10634, fixed in 7.89), `curl --http2-prior-knowledge
        /// --parallel` included: with that libcurl use it for one request per
        /// host only, or use HTTP/2 over TLS, which multiplexes correctly.
        case http2PriorKnowledge

        var curlValue: Int {
            switch self {
            case .http1_1: CURL_HTTP_VERSION_1_1
            case .http2OverTLS: CURL_HTTP_VERSION_2TLS
            case .http2PriorKnowledge: CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
            }
        }
    }

    /// How the event-loop thread waits for its sockets.
    public enum EventLoopStrategy: Sendable, Hashable {
        /// `curl_multi_perform` with `curl_multi_poll`, as `curl --parallel`
        /// does. The default: the faster of the two in `Benchmarks/fetch/run.sh`
        /// at 64 and at 300 transfers in flight.
        case poll
        /// `curl_multi_socket_action` with Linux epoll: work per wake-up
        /// follows the sockets that are ready, not the transfers in flight.
        case epoll
    }

    /// Settings shared by every transfer of a client.
    public struct Configuration: Sendable {
        /// The `User-Agent` sent unless a request sets its own.
        public var userAgent: String
        /// Default time limits; a request's own ``Request/timeouts`` override them.
        public var timeouts: Timeouts
        /// The largest decoded response body accepted, in bytes (32 MiB by
        /// default). Counted on decoded bytes, so chunked bodies and
        /// decompression bombs are stopped too.
        public var maxBodySize: Int
        /// The largest total size of a response's header lines, in bytes (256 KiB by default).
        public var maxHeaderBytes: Int
        /// The most open connections in all; 0 means no limit.
        public var maxTotalConnections: Int
        /// The most open connections to one host; 0 means no limit.
        public var maxConnectionsPerHost: Int
        /// The most idle connections kept for reuse; 0 (the default) keeps four
        /// per transfer of the most that ran at once so far, as libcurl does
        /// for the transfers it holds now (which would close most connections
        /// between two bursts of requests).
        public var maxCachedConnections: Int
        /// Which HTTP version to ask for.
        public var httpVersion: HTTPVersionPreference
        /// Whether HTTP/2 streams share one connection per host (`CURLMOPT_PIPELINING`).
        public var multiplexing: Bool
        /// Whether `Accept-Encoding` offers gzip, deflate, br and zstd and bodies are decoded.
        public var automaticDecompression: Bool
        /// Whether TLS certificates and host names are verified. Turn off only for test servers.
        public var verifiesTLSCertificates: Bool
        /// A PEM file of the certificates to trust instead of the system's
        /// (`CURLOPT_CAINFO`): tests verify nginx's self-signed certificate with it.
        package var trustedCertificatesFile: String?
        /// Whether the client keeps a cookie jar: cookies set by responses
        /// (redirect hops included) are sent back with later requests, by
        /// RFC 6265's domain, path, expiry and `Secure` rules (libcurl's
        /// cookie engine). Off by default; each client has its own jar.
        public var keepsCookies: Bool
        /// The most cookies the jar keeps for one host (50 by default, RFC 6265's
        /// minimum); further ones are removed and counted (``FetchClient/cookiesRefused``).
        public var maxCookiesPerHost: Int
        /// The most cookies the jar keeps in all (3,000 by default, RFC 6265's minimum).
        public var maxCookies: Int
        /// The longest redirect target followed, in bytes (8,192 by default): a
        /// `Location` longer than this fails with ``FetchError/Kind/urlTooLong``,
        /// checked before the target URL is built.
        public var maxURLLength: Int
        /// Which addresses connections may go to (any by default; see ``AddressPolicy/publicOnly``).
        public var addressPolicy: AddressPolicy
        /// How long libcurl keeps a resolved name after the last connection
        /// using it (`CURLOPT_DNS_CACHE_TIMEOUT`, whole seconds; a negative
        /// value: forever). Zero by default: a name is kept only while a
        /// connection uses it, and a new connection resolves it again. The
        /// libcurl of Debian 12 (7.88) scans its whole DNS cache after every
        /// transfer, so a cache that holds every host of the last minute (its
        /// default, 60 s) made each transfer cost time in proportion to the
        /// hosts seen: 100,000 URLs on as many hosts took 448 s instead of 10 s
        /// (`Benchmarks/fetch/many-hosts.sh`). Connections are kept and reused,
        /// so few names are resolved twice.
        public var dnsCacheTimeout: Duration
        /// How many idle easy handles are kept for reuse.
        public var idleHandlePoolSize: Int
        /// The size of each transfer's receive buffer (libcurl's `CURLOPT_BUFFERSIZE`,
        /// which it keeps between 1 KiB and 512 KiB): the most one socket read and
        /// one call of the body callback take. 64 KiB by default (libcurl's own is
        /// 16 KiB; `curl` uses 100 KiB): a page of 15-40 KB comes in one read
        /// instead of two or three, for 64 KiB per transfer in flight.
        public var receiveBufferSize: Int
        /// How the event loop waits for sockets (see ``EventLoopStrategy``).
        public var eventLoop: EventLoopStrategy
        /// Where the client logs.
        public var logger: Logger

        /// Creates a configuration; every value has a sensible default.
        public init(
            userAgent: String = "AsyncURL/1.0 (+libcurl)",
            timeouts: Timeouts = Timeouts(connect: .seconds(10), total: .seconds(60), idle: .seconds(30)),
            maxBodySize: Int = 32 << 20,
            maxHeaderBytes: Int = 256 << 10,
            maxTotalConnections: Int = 0,
            maxConnectionsPerHost: Int = 0,
            maxCachedConnections: Int = 0,
            httpVersion: HTTPVersionPreference = .http2OverTLS,
            multiplexing: Bool = true,
            automaticDecompression: Bool = true,
            verifiesTLSCertificates: Bool = true,
            keepsCookies: Bool = false,
            maxCookiesPerHost: Int = 50,
            maxCookies: Int = 3000,
            maxURLLength: Int = 8192,
            addressPolicy: AddressPolicy = .any,
            dnsCacheTimeout: Duration = .zero,
            idleHandlePoolSize: Int = 1024,
            receiveBufferSize: Int = 64 << 10,
            eventLoop: EventLoopStrategy = .poll,
            logger: Logger = Logger(label: "AsyncURL")
        ) {
            self.userAgent = userAgent
            self.timeouts = timeouts
            self.maxBodySize = maxBodySize
            self.maxHeaderBytes = maxHeaderBytes
            self.maxTotalConnections = maxTotalConnections
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxCachedConnections = maxCachedConnections
            self.httpVersion = httpVersion
            self.multiplexing = multiplexing
            self.automaticDecompression = automaticDecompression
            self.verifiesTLSCertificates = verifiesTLSCertificates
            self.keepsCookies = keepsCookies
            self.maxCookiesPerHost = maxCookiesPerHost
            self.maxCookies = maxCookies
            self.maxURLLength = maxURLLength
            self.addressPolicy = addressPolicy
            self.dnsCacheTimeout = dnsCacheTimeout
            self.idleHandlePoolSize = idleHandlePoolSize
            self.receiveBufferSize = receiveBufferSize
            self.eventLoop = eventLoop
            self.logger = logger
        }
    }
}
