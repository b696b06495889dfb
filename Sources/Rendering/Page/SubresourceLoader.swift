import AsyncURL

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Fetches a page's requests through the fetch core, so every guard of the
/// crawl (address policy on the resolved address, schemes, time-outs, size
/// limits, the crawl's user agent) applies to what the browser loads: the
/// browser itself never opens a connection.
struct SubresourceLoader: Sendable {
    let client: FetchClient
    /// Per-host concurrency and delay, shared by every tab (and, in a shared crawl, every worker).
    let accounting: any HostAccounting
    /// Called with every response fetched (with its exchange captured when
    /// ``capturesExchanges``), for an archive.
    let observer: (@Sendable (Response) -> Void)?
    /// Whether requests capture their exchange for ``observer``.
    let capturesExchanges: Bool

    /// Header fields of the browser's request that are not forwarded: the
    /// fetch core sets its own (connection handling, its user agent, the
    /// encodings it decodes) or they describe the browser's transport.
    static let droppedRequestFields: Set<String> = [
        "host", "connection", "content-length", "accept-encoding", "user-agent", "transfer-encoding", "upgrade", "keep-alive", "te"
    ]
    /// Response fields not passed to the browser: the body it gets is already
    /// decoded and whole.
    static let droppedResponseFields: Set<String> = ["content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"]

    /// Fetches one paused request with at most `maxBytes` of body.
    /// - Parameters:
    ///   - paused: the browser's request.
    ///   - maxBytes: the body budget left to the page.
    ///   - deadline: the page's deadline: the request waits for its host's turn until then at most.
    /// - Returns: the response, or the fetch core's error.
    func load(_ paused: DevTools.RequestPaused.Request, maxBytes: Int, deadline: ContinuousClock.Instant) async -> Result<
        Response, FetchError
    > {
        var headers = HTTPHeaders()
        for (name, value) in paused.headers where !Self.droppedRequestFields.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        var request = Request(
            url: paused.url, method: HTTPMethod(rawValue: paused.method), headers: headers,
            body: paused.postData.map { Data($0.utf8) }, maxBodySize: max(0, maxBytes))
        request.redirectPolicy = .default
        request.capturesExchange = capturesExchanges
        let host = HostGate.key(of: paused.url)
        guard let pass = await accounting.enter(host, until: deadline) else {
            return .failure(FetchError(kind: .timeout, url: paused.url, message: "the host had no free slot before the page's time limit"))
        }
        let started = ContinuousClock.now
        let result: Result<Response, FetchError>
        do {
            result = .success(try await client.fetch(request))
        } catch {
            result = .failure(error)
        }
        let sample = HostGate.throttleSample(of: result, latency: .now - started)
        await accounting.leave(pass, latency: sample?.latency, succeeded: sample?.succeeded ?? false)
        if case .success(let response) = result { observer?(response) }
        return result
    }

    /// The response as `Fetch.fulfillRequest` wants it.
    static func fulfilment(of response: Response, requestID: String) -> DevTools.FulfillRequest {
        let headers = response.headers.filter { !droppedResponseFields.contains($0.name.lowercased()) }
            .map { DevTools.HeaderEntry(name: $0.name, value: $0.value) }
        return DevTools.FulfillRequest(
            requestId: requestID, responseCode: response.status, responseHeaders: headers,
            body: response.body.base64EncodedString())
    }

    /// The DevTools error reason for a failed fetch.
    static func failureReason(for error: FetchError) -> String {
        switch error.kind {
        case .blockedAddress, .bodyTooLarge, .urlTooLong, .forbiddenRedirect: "BlockedByClient"
        case .timeout: "TimedOut"
        case .connectionFailed: "ConnectionRefused"
        case .dnsFailure: "NameNotResolved"
        case .connectionLost: "ConnectionReset"
        default: "Failed"
        }
    }
}
