import AsyncURLSupport
internal import CCurl

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The state of one request while the event loop runs it, across its redirect hops.
///
/// A `Transfer` lives on the event-loop thread only. libcurl's write and
/// header callbacks reach it through an unretained pointer
/// (`Unmanaged.passUnretained`) set as `CURLOPT_WRITEDATA`/`HEADERDATA`; the
/// loop's transfer table holds the strong reference, and the easy handle is
/// removed from the multi handle before that reference is dropped, so the
/// pointer is valid whenever libcurl can call back.
final class Transfer {
    /// Delivers the outcome to the waiting task.
    typealias Completion = @Sendable (Result<Response, FetchError>) -> Void

    let id: UInt64
    let request: Request
    let completion: Completion
    let easy: EasyHandle
    let started: ContinuousClock.Instant
    private let limits: Limits

    /// The URL of the current hop.
    private(set) var currentURL: String
    private var currentMethod: HTTPMethod
    private var currentBody: Data?
    private var currentHeaders: HTTPHeaders
    private(set) var redirectChain: [RedirectHop] = []

    // Per-hop response state, filled by the callbacks.
    private(set) var status = 0
    private(set) var responseHeaders = HTTPHeaders()
    private var headerBytes = 0
    private var headerBlockEnded = false
    private(set) var body = Data()
    private(set) var decodedBytes = 0
    private var deliversToConsumer = false
    /// Whether this hop's body goes into ``body`` (the request and its consumer agree).
    private var keepsBodyOfHop = true
    /// Set when a callback stopped the transfer on purpose (a limit was hit).
    private(set) var abortKind: FetchError.Kind?
    /// Set when the body was cut at the limit of a request that ``Request/truncatesBody``: the response stands.
    private(set) var isTruncated = false
    /// The last address the address policy refused, for the error message.
    private var blockedAddress: String?

    // The exchange as it crossed the wire, when the request captures it.
    private var capturedRequestHead: [UInt8] = []
    private var capturedResponseHead: [UInt8] = []
    private var hopDate = Date()
    private var capturedHops: [CapturedHop] = []
    /// The most of a request head kept for ``CapturedHop/requestHead``.
    private static let maxCapturedRequestHead = 256 * 1024

    struct Limits {
        var maxBodySize: Int
        var maxHeaderBytes: Int
        var timeouts: Timeouts
        var configuration: FetchClient.Configuration
        /// The client's share (TLS sessions, and cookies when it keeps them).
        var share: CurlShare?
        /// The client's cookie jar, when it keeps cookies.
        var cookieJar: CookieJar?
    }

    init(id: UInt64, request: Request, easy: EasyHandle, limits: Limits, completion: @escaping Completion) {
        self.id = id
        self.request = request
        self.easy = easy
        self.limits = limits
        self.completion = completion
        self.started = .now
        currentURL = request.url
        currentMethod = request.method
        currentBody = request.body
        currentHeaders = request.headers
        keepsBodyOfHop = request.keepsBody
    }

    // MARK: Configuring a hop

    /// Sets every libcurl option for the current hop. Returns an error when
    /// the hop cannot start (bad URL scheme, option refused, time used up).
    func configureHop() -> FetchError? {
        if let refusal = hopRefusal() { return refusal }
        easy.clearErrorMessage()
        configureConnection()
        configureSocketOpening()
        if let timeUsedUp = configureTimeouts() { return timeUsedUp }
        // A declared Content-Length over the limit stops the transfer before
        // the body; bodies without one (chunked, compressed) are counted in
        // `receiveBody`, on decoded bytes.
        // (Not for a request that truncates: its body is cut in `receiveBody`.)
        if !request.truncatesBody {
            easy.setLarge(CURLOPT_MAXFILESIZE_LARGE, Int64(limits.maxBodySize), name: "MAXFILESIZE_LARGE")
        }
        configureMethodAndBody()
        configureHeaderLines()
        configureCallbacks()
        if let failure = easy.firstOptionFailure {
            let message = String(cString: curl_easy_strerror(failure.code))
            return FetchError(
                kind: .other, url: currentURL, curlCode: Int(failure.code.rawValue),
                message: "libcurl refused option \(failure.option): \(message)")
        }
        return nil
    }

    /// Why the current hop cannot start at all (scheme, method, a literal
    /// private host behind a proxy), or `nil`.
    private func hopRefusal() -> FetchError? {
        guard currentURL.hasHTTPScheme else {
            return FetchError(kind: .invalidURL, url: currentURL, message: "only http and https URLs can be fetched")
        }
        guard currentMethod.isValidToken else {
            return FetchError(
                kind: .invalidRequest, url: currentURL,
                message: "the method \(currentMethod.rawValue.debugDescription) is not an HTTP token (RFC 9110)")
        }
        if request.proxy != nil, !limits.configuration.addressPolicy.allowsEverything, let refused = refusedLiteralHost() {
            // The proxy resolves host names itself; a literal private address is refused here.
            return FetchError(
                kind: .blockedAddress, url: currentURL,
                message: Self.blockedMessage(refused) + " (checked on the URL's host: the request goes through a proxy)")
        }
        return nil
    }

    /// The URL, protocols, HTTP version, TLS, DNS cache, cookies and proxy of the hop.
    private func configureConnection() {
        let configuration = limits.configuration
        easy.set(CURLOPT_URL, currentURL, name: "URL")
        easy.set(CURLOPT_NOSIGNAL, true, name: "NOSIGNAL")
        easy.set(CURLOPT_PROTOCOLS_STR, "http,https", name: "PROTOCOLS_STR")
        easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https", name: "REDIR_PROTOCOLS_STR")
        easy.set(CURLOPT_FOLLOWLOCATION, false, name: "FOLLOWLOCATION")
        easy.set(CURLOPT_USERAGENT, configuration.userAgent, name: "USERAGENT")
        if configuration.automaticDecompression {
            // An empty string asks for every encoding this libcurl decodes (gzip, deflate, br, zstd).
            easy.set(CURLOPT_ACCEPT_ENCODING, "", name: "ACCEPT_ENCODING")
        }
        easy.set(CURLOPT_HTTP_VERSION, configuration.httpVersion.curlValue, name: "HTTP_VERSION")
        // Waiting for a connection that may multiplex only pays where HTTP/2 is
        // possible: over TLS (ALPN tells right after the handshake) or with
        // prior knowledge. On cleartext HTTP/1.1 libcurl would wait for the
        // first response on the connection, so one hanging server would stall
        // every other transfer to that host.
        let mayMultiplex =
            configuration.httpVersion == .http2PriorKnowledge
            || (configuration.httpVersion == .http2OverTLS && currentURL.utf8.prefix(8).equalsIgnoringASCIICase("https://".utf8))
        easy.set(CURLOPT_PIPEWAIT, configuration.multiplexing && mayMultiplex, name: "PIPEWAIT")
        easy.set(CURLOPT_SSL_VERIFYPEER, configuration.verifiesTLSCertificates, name: "SSL_VERIFYPEER")
        easy.set(CURLOPT_SSL_VERIFYHOST, configuration.verifiesTLSCertificates ? 2 : 0, name: "SSL_VERIFYHOST")
        if let trusted = configuration.trustedCertificatesFile {
            easy.set(CURLOPT_CAINFO, trusted, name: "CAINFO")
        }
        easy.set(CURLOPT_DNS_CACHE_TIMEOUT, configuration.dnsCacheTimeout.wholeSeconds, name: "DNS_CACHE_TIMEOUT")
        easy.set(CURLOPT_TCP_NODELAY, true, name: "TCP_NODELAY")
        // libcurl 7.88 refused it (bad argument) on some reused handles in
        // HTTP2Tests (HTTP/2 over TLS); the size the handle has then serves.
        easy.setIfAccepted(CURLOPT_BUFFERSIZE, configuration.receiveBufferSize)
        if let share = limits.share { easy.attach(share) }
        limits.cookieJar?.attach(to: easy)
        // An empty string turns off the proxy environment variables too.
        easy.set(CURLOPT_PROXY, request.proxy ?? "", name: "PROXY")
    }

    /// Opens every socket of the hop itself (`openSocket`): close-on-exec,
    /// so no program started by this process keeps a connection open, and
    /// checked against the address policy unless the policy allows
    /// everything or a proxy connects.
    private func configureSocketOpening() {
        easy.setPointer(CURLOPT_OPENSOCKETDATA, Unmanaged.passUnretained(self).toOpaque(), name: "OPENSOCKETDATA")
        easy.record(
            asyncurl_easy_setopt_opensocket_function(easy.raw) { clientp, _, address in
                guard let clientp, let address else { return CURL_SOCKET_BAD }
                let transfer = Unmanaged<Transfer>.fromOpaque(clientp).takeUnretainedValue()
                return transfer.openSocket(address)
            }, name: "OPENSOCKETFUNCTION")
    }

    /// The connect, total (what redirects left of it) and idle limits; an
    /// error when redirects used up the total time.
    private func configureTimeouts() -> FetchError? {
        let timeouts = limits.timeouts
        if let connect = timeouts.connect {
            easy.set(CURLOPT_CONNECTTIMEOUT_MS, max(1, connect.roundedUpMilliseconds), name: "CONNECTTIMEOUT_MS")
        }
        if let total = timeouts.total {
            let remaining = total - (ContinuousClock.now - started)
            guard remaining > .zero else {
                return FetchError(kind: .timeout, url: currentURL, message: "the total time limit of \(total) was used up by redirects")
            }
            easy.set(CURLOPT_TIMEOUT_MS, max(1, remaining.roundedUpMilliseconds), name: "TIMEOUT_MS")
        }
        if let idle = timeouts.idle {
            easy.set(CURLOPT_LOW_SPEED_LIMIT, 1, name: "LOW_SPEED_LIMIT")
            easy.set(CURLOPT_LOW_SPEED_TIME, max(1, idle.wholeSeconds), name: "LOW_SPEED_TIME")
        }
        return nil
    }

    /// The request's header fields (valid names only, values sanitized), with
    /// `Expect` and an empty body's `Content-Type` turned off unless given.
    private func configureHeaderLines() {
        var lines: [String] = []
        for field in currentHeaders where HTTPToken.isValid(field.name) {
            let value = Self.sanitizedHeaderValue(field.value)
            // "Name;" sends a header with an empty value; "Name:" would remove it.
            lines.append(value.isEmpty ? "\(field.name);" : "\(field.name): \(value)")
        }
        if !currentHeaders.contains("Expect") {
            // Do not wait for "100 Continue" before sending a body.
            lines.append("Expect:")
        }
        if currentBody?.isEmpty == true, !currentHeaders.contains("Content-Type") {
            // An empty body (one dropped at a cross-origin redirect too) gets no form type from libcurl.
            lines.append("Content-Type:")
        }
        easy.setHeaderLines(lines)
    }

    /// The write, header and (when capturing) debug callbacks, which reach
    /// this transfer through an unretained pointer.
    private func configureCallbacks() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        configureCapture(context: context)
        easy.setPointer(CURLOPT_WRITEDATA, context, name: "WRITEDATA")
        easy.setPointer(CURLOPT_HEADERDATA, context, name: "HEADERDATA")
        easy.record(
            asyncurl_easy_setopt_write_function(easy.raw) { data, size, count, userdata in
                guard let userdata else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            }, name: "WRITEFUNCTION")
        easy.record(
            asyncurl_easy_setopt_header_function(easy.raw) { data, size, count, userdata in
                guard let userdata else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            }, name: "HEADERFUNCTION")
    }

    /// Turns libcurl's debug callback on for a request that captures its
    /// exchange (the request head as sent arrives as `CURLINFO_HEADER_OUT`),
    /// and off otherwise, since pooled handles are reused.
    private func configureCapture(context: UnsafeMutableRawPointer) {
        capturedRequestHead = []
        capturedResponseHead = []
        hopDate = Date()
        guard request.capturesExchange else {
            easy.set(CURLOPT_VERBOSE, false, name: "VERBOSE")
            return
        }
        easy.setPointer(CURLOPT_DEBUGDATA, context, name: "DEBUGDATA")
        easy.record(
            asyncurl_easy_setopt_debug_function(easy.raw) { _, type, data, size, userdata in
                guard type == CURLINFO_HEADER_OUT, let data, let userdata else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                transfer.captureRequestHead(UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }, name: "DEBUGFUNCTION")
        easy.set(CURLOPT_VERBOSE, true, name: "VERBOSE")
    }

    private func captureRequestHead(_ bytes: UnsafeRawBufferPointer) {
        let room = Self.maxCapturedRequestHead - capturedRequestHead.count
        guard room > 0 else { return }
        capturedRequestHead.append(contentsOf: bytes.prefix(room))
    }

    /// Keeps the finished hop's exchange (when the request captures it).
    private func keepCapturedHop() {
        guard request.capturesExchange else { return }
        capturedHops.append(
            CapturedHop(
                url: currentURL, date: hopDate, requestHead: capturedRequestHead, requestBody: currentBody,
                responseHead: capturedResponseHead, remoteAddress: easy.info(string: CURLINFO_PRIMARY_IP)))
    }

    private func configureMethodAndBody() {
        switch currentMethod {
        case .get where currentBody == nil:
            easy.set(CURLOPT_HTTPGET, true, name: "HTTPGET")
        case .head:
            easy.set(CURLOPT_NOBODY, true, name: "NOBODY")
        default:
            if let body = currentBody {
                easy.set(CURLOPT_POST, true, name: "POST")
                easy.setLarge(CURLOPT_POSTFIELDSIZE_LARGE, Int64(body.count), name: "POSTFIELDSIZE_LARGE")
                // COPYPOSTFIELDS makes libcurl own a copy, so no Swift buffer must outlive this call.
                if body.isEmpty {
                    "".withCString { empty in
                        easy.setPointer(CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: empty), name: "COPYPOSTFIELDS")
                    }
                } else {
                    body.withUnsafeBytes { bytes in
                        easy.setPointer(
                            CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress), name: "COPYPOSTFIELDS")
                    }
                }
            }
            if currentMethod != .post || currentBody == nil {
                easy.set(CURLOPT_CUSTOMREQUEST, currentMethod.rawValue, name: "CUSTOMREQUEST")
            }
        }
    }

    // MARK: Callbacks (event-loop thread, inside libcurl)

    /// Handles one header line, status lines included. Returns the bytes
    /// taken; anything else makes libcurl stop the transfer.
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        headerBytes += line.count
        if headerBytes > limits.maxHeaderBytes {
            abortKind = .headersTooLarge
            return 0
        }
        if line.starts(with: Self.httpPrefix) {
            // A new response begins (an interim 1xx, or the next hop).
            status = Self.parseStatus(line)
            responseHeaders = HTTPHeaders()
            headerBlockEnded = false
            keepsBodyOfHop = request.keepsBody
            if request.capturesExchange { capturedResponseHead = Array(line) }
            return line.count
        }
        if request.capturesExchange { capturedResponseHead.append(contentsOf: line) }
        let content = Self.trimmed(line)
        if content.isEmpty {
            headerBlockEnded = true
            reserveBodyForDeclaredLength()
            startBodyIfFinal()
            return line.count
        }
        if let first = line.first, first == 0x20 || first == 0x09 {
            // An obsolete folded continuation line: append to the previous field.
            responseHeaders.appendToLastValue(" " + String(decoding: content, as: UTF8.self))
            return line.count
        }
        guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else { return line.count }
        let name = Self.trimmed(UnsafeRawBufferPointer(rebasing: content[..<colon]))
        let value = Self.trimmed(UnsafeRawBufferPointer(rebasing: content[(colon + 1)...]))
        if !name.isEmpty {
            responseHeaders.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return line.count
    }

    /// Handles one chunk of decoded body. Returns the bytes taken; 0 stops the transfer.
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        decodedBytes += chunk.count
        if decodedBytes > limits.maxBodySize {
            guard request.truncatesBody, !willFollowRedirect else {
                abortKind = .bodyTooLarge
                return 0
            }
            // Keep what fits, then stop reading: the response stands, cut at the limit.
            let fits = UnsafeRawBufferPointer(rebasing: chunk.prefix(max(0, chunk.count - (decodedBytes - limits.maxBodySize))))
            decodedBytes = limits.maxBodySize
            isTruncated = true
            if keepsBodyOfHop { body.append(fits.assumingMemoryBound(to: UInt8.self)) }
            if deliversToConsumer, let consumer = request.bodyConsumer { consumer.consume(fits) }
            return 0
        }
        if willFollowRedirect {
            // The body of a redirect that will be followed is not kept.
            return chunk.count
        }
        if keepsBodyOfHop {
            body.append(chunk.assumingMemoryBound(to: UInt8.self))
        }
        if deliversToConsumer, let consumer = request.bodyConsumer {
            consumer.consume(chunk)
        }
        return chunk.count
    }

    /// Makes room for a kept body of a declared, uncompressed length within
    /// the limit at once (no growth and copies as its pieces arrive); at most
    /// ``maxReservedBodyBytes``, so a length a server declares and never sends
    /// costs no more than that.
    private func reserveBodyForDeclaredLength() {
        guard keepsBodyOfHop, !willFollowRedirect, responseHeaders["Content-Encoding"] == nil,
            let declared = responseHeaders["Content-Length"].flatMap({ Int($0) }), declared > 0
        else { return }
        body.reserveCapacity(min(declared, limits.maxBodySize, Self.maxReservedBodyBytes))
    }

    /// The most bytes reserved for a body from its declared length (1 MiB).
    static let maxReservedBodyBytes = 1 << 20

    private func startBodyIfFinal() {
        guard (200...599).contains(status), !willFollowRedirect, let consumer = request.bodyConsumer else { return }
        deliversToConsumer = true
        consumer.responseStarted(url: currentURL, status: status, headers: responseHeaders)
        keepsBodyOfHop = request.keepsBody && consumer.keepsBodyInResponse
    }

    /// Whether the current response is a redirect the policy will try to follow.
    private var willFollowRedirect: Bool {
        Self.redirectStatuses.contains(status)
            && request.redirectPolicy.maxHops > 0
            && responseHeaders.contains("Location")
    }

    // MARK: Hop completion

    /// What to do after a hop finished without a libcurl error.
    enum HopOutcome {
        case finished(Response)
        case failed(FetchError)
        /// The transfer was set up for the next hop and must be re-added.
        case redirected
    }

    /// Decides whether the finished hop is the response or a redirect to follow.
    func finishHop() -> HopOutcome {
        let status = easy.info(long: CURLINFO_RESPONSE_CODE)
        let maxURLLength = limits.configuration.maxURLLength
        if Self.redirectStatuses.contains(status), request.redirectPolicy.maxHops > 0,
            let written = responseHeaders["Location"], written.utf8.count > maxURLLength
        {
            // Refused before any absolute form of it is built.
            keepCapturedHop()
            return .failed(
                FetchError(
                    kind: .urlTooLong, url: currentURL,
                    message: "redirect refused: its Location is \(written.utf8.count) bytes, over the limit of \(maxURLLength)"))
        }
        if Self.redirectStatuses.contains(status), request.redirectPolicy.maxHops > 0, let location = redirectTarget() {
            // (A refused redirect is the final response: its hop is kept below.)
            keepCapturedHop()
            guard location.utf8.count <= maxURLLength else {
                return .failed(
                    FetchError(
                        kind: .urlTooLong, url: currentURL,
                        message: "redirect refused: its target is \(location.utf8.count) bytes, over the limit of \(maxURLLength)"))
            }
            guard location.hasHTTPScheme else {
                return .failed(
                    FetchError(
                        kind: .forbiddenRedirect, url: currentURL,
                        message: "redirect to \(location) refused: only http and https are followed"))
            }
            guard redirectChain.count < request.redirectPolicy.maxHops else {
                return .failed(
                    FetchError(kind: .tooManyRedirects, url: currentURL, message: "more than \(request.redirectPolicy.maxHops) redirects"))
            }
            prepareRedirect(status: status, to: location)
            if let failure = configureHop() {
                return .failed(failure)
            }
            return .redirected
        }
        keepCapturedHop()
        return .finished(makeResponse(status: status))
    }

    /// Where the redirect of the finished hop leads: the policy's ``RedirectPolicy/target``
    /// when it has one (exactly the string it returns is fetched next), else the URL
    /// libcurl resolved from `Location` if ``RedirectPolicy/shouldFollow`` agrees;
    /// nil to return the 3xx response as it is.
    private func redirectTarget() -> String? {
        let policy = request.redirectPolicy
        if let target = policy.target {
            guard let location = responseHeaders["Location"], !location.isEmpty else { return nil }
            return target(currentURL, location)
        }
        guard let location = easy.info(string: CURLINFO_REDIRECT_URL), !location.isEmpty else { return nil }
        if let shouldFollow = policy.shouldFollow, !shouldFollow(currentURL, location) { return nil }
        return location
    }

    private func prepareRedirect(status: Int, to location: String) {
        redirectChain.append(RedirectHop(url: currentURL, status: status, location: location))
        // 303 turns every method but HEAD into GET; 301 and 302 turn POST into GET, as browsers do.
        if (status == 303 && currentMethod != .head) || ((status == 301 || status == 302) && currentMethod == .post) {
            currentMethod = .get
            currentBody = nil
            currentHeaders.remove(name: "Content-Type")
            currentHeaders.remove(name: "Content-Length")
        }
        if Self.origin(of: location) != Self.origin(of: currentURL) {
            // What the request added (credentials, tokens, its body) is for the
            // origin it was made for: only the policy's allow-listed fields go on.
            let forwarded = request.redirectPolicy.crossOriginHeaders
            var kept = HTTPHeaders()
            for field in currentHeaders where forwarded.contains(where: { HTTPHeaders.namesMatch($0, field.name) }) {
                kept.add(name: field.name, value: field.value)
            }
            currentHeaders = kept
            if currentBody != nil { currentBody = Data() }
        }
        currentURL = location
        self.status = 0
        responseHeaders = HTTPHeaders()
        headerBytes = 0
        headerBlockEnded = false
        body = Data()
        decodedBytes = 0
        deliversToConsumer = false
        easy.reset()
    }

    private func makeResponse(status: Int) -> Response {
        let finalURL = easy.info(string: CURLINFO_EFFECTIVE_URL) ?? currentURL
        let version: HTTPVersion =
            switch easy.info(long: CURLINFO_HTTP_VERSION) {
            case CURL_HTTP_VERSION_1_0: .http1_0
            case CURL_HTTP_VERSION_1_1: .http1_1
            case CURL_HTTP_VERSION_2_0: .http2
            case CURL_HTTP_VERSION_3: .http3
            default: .unknown
            }
        let timings = TransferTimings(
            nameLookup: easy.info(duration: CURLINFO_NAMELOOKUP_TIME_T),
            connect: easy.info(duration: CURLINFO_CONNECT_TIME_T),
            tlsHandshake: easy.info(duration: CURLINFO_APPCONNECT_TIME_T),
            firstByte: easy.info(duration: CURLINFO_STARTTRANSFER_TIME_T),
            lastHop: easy.info(duration: CURLINFO_TOTAL_TIME_T),
            total: ContinuousClock.now - started
        )
        var response = Response(
            request: request,
            finalURL: finalURL,
            status: status,
            headers: responseHeaders,
            body: body,
            redirectChain: redirectChain,
            timings: timings,
            httpVersion: version,
            bytesOnWire: Int(easy.info(offset: CURLINFO_SIZE_DOWNLOAD_T)),
            decodedBodyBytes: decodedBytes,
            capturedHops: capturedHops
        )
        response.isTruncated = isTruncated
        return response
    }

    /// Opens the socket of a new connection (close-on-exec), unless the
    /// address policy refuses its address (then libcurl tries the host's
    /// next address, or fails).
    fileprivate func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let family = address.pointee.family
        // libcurl's storage behind `addr` is large enough for the family's own sockaddr.
        let socketAddress = UnsafeRawPointer(address).advanced(by: MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr) ?? 16)
        let policy = limits.configuration.addressPolicy
        if !policy.allowsEverything && request.proxy == nil {
            let ip = IPAddress(socketAddress: socketAddress, family: family)
            guard let ip, policy.allows(ip) else {
                blockedAddress = ip?.description ?? "an address of family \(family)"
                return CURL_SOCKET_BAD
            }
        }
        return socket(family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    }

    /// The first address the current URL's host stands for literally (an IP
    /// literal, or `localhost`) that the address policy refuses, as text.
    private func refusedLiteralHost() -> String? {
        guard let host = Self.urlParts(of: currentURL)?.host,
            let addresses = AddressPolicy.literalAddresses(ofHost: host)
        else { return nil }
        return addresses.first { !limits.configuration.addressPolicy.allows($0) }?.description
    }

    private static func blockedMessage(_ address: String) -> String {
        "\(address) is not a public address, and the client's address policy refuses it"
    }

    /// Turns a libcurl failure code into a typed error.
    func error(for code: CURLcode) -> FetchError {
        let detail = easy.errorMessage
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let curlCode = Int(code.rawValue)
        if let blockedAddress, code == CURLE_COULDNT_CONNECT {
            return FetchError(kind: .blockedAddress, url: currentURL, curlCode: curlCode, message: Self.blockedMessage(blockedAddress))
        }
        if let abortKind {
            let text =
                abortKind == .bodyTooLarge
                ? "the body exceeded the limit of \(limits.maxBodySize) bytes"
                : "the response headers exceeded the limit of \(limits.maxHeaderBytes) bytes"
            return FetchError(kind: abortKind, url: currentURL, curlCode: curlCode, message: text)
        }
        let kind: FetchError.Kind
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: kind = .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .dnsFailure
        case CURLE_COULDNT_CONNECT: kind = .connectionFailed
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE:
            kind = .tls
        case CURLE_TOO_MANY_REDIRECTS: kind = .tooManyRedirects
        case CURLE_FILESIZE_EXCEEDED: kind = .bodyTooLarge
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: kind = .connectionLost
        case CURLE_BAD_CONTENT_ENCODING: kind = .decodingFailed
        case CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY, CURLE_UNSUPPORTED_PROTOCOL: kind = .protocolError
        default: kind = .other
        }
        if kind == .connectionFailed {
            // errno says what libcurl's message does not: refused, unreachable...
            let number = easy.info(long: CURLINFO_OS_ERRNO)
            return FetchError(
                kind: kind, url: currentURL, curlCode: curlCode, message: message,
                systemErrorNumber: number > 0 ? Int32(truncatingIfNeeded: number) : nil)
        }
        if kind == .bodyTooLarge {
            return FetchError(
                kind: kind, url: currentURL, curlCode: curlCode,
                message: "the declared body size exceeds the limit of \(limits.maxBodySize) bytes")
        }
        return FetchError(kind: kind, url: currentURL, curlCode: curlCode, message: message)
    }

    // MARK: Helpers

    private static let httpPrefix: [UInt8] = Array("HTTP/".utf8)
    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The bytes without leading and trailing spaces, tabs, CR and LF.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[bytes.rangeTrimming { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }])
    }

    private static func parseStatus(_ line: UnsafeRawBufferPointer) -> Int {
        // "HTTP/1.1 200 OK" or "HTTP/2 200": the three digits after the first space.
        guard let space = line.firstIndex(of: 0x20) else { return 0 }
        var value = 0
        var index = space + 1
        var digits = 0
        while index < line.count, digits < 3, (0x30...0x39).contains(line[index]) {
            value = value * 10 + Int(line[index] - 0x30)
            index += 1
            digits += 1
        }
        return digits == 3 ? value : 0
    }

    /// `scheme://host:port` of an absolute URL, lower-cased, as libcurl parses it.
    static func origin(of url: String) -> String? {
        guard let parts = urlParts(of: url) else { return nil }
        return "\(parts.scheme.lowercased())://\(parts.host.lowercased()):\(parts.port)"
    }

    /// Scheme, host and port (the default one when none is given) of an absolute URL, as libcurl parses it.
    static func urlParts(of url: String) -> (scheme: String, host: String, port: String)? {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
        func part(_ which: CURLUPart, _ flags: UInt32 = 0) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, flags) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        guard let scheme = part(CURLUPART_SCHEME), let host = part(CURLUPART_HOST) else { return nil }
        return (scheme, host, part(CURLUPART_PORT, UInt32(CURLU_DEFAULT_PORT)) ?? "")
    }

    /// Removes CR and LF so a header value cannot inject another header.
    private static func sanitizedHeaderValue(_ value: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character and would slip past a Character test.
        guard value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else { return value }
        var cleaned = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            cleaned.append(scalar == "\r" || scalar == "\n" || scalar == "\0" ? " " : scalar)
        }
        return String(cleaned)
    }
}
