import AsyncURLSupport
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Fetches HTTP requests concurrently with libcurl, through `async`/`await`.
///
/// One `FetchClient` owns one libcurl multi handle driven by its own thread
/// (see ``Configuration`` for connection limits, time-outs and size limits).
/// Thousands of ``fetch(_:)-(Request)`` calls may be in flight at once; they share
/// connections (HTTP/1.1 keep-alive and HTTP/2 multiplexing) and the DNS cache.
///
/// ```swift
/// let client = try FetchClient()
/// let response = try await client.fetch(Request(url: "http://127.0.0.1:8080/"))
/// print(response.status, response.body.count)
/// ```
///
/// Cancelling the task that awaits ``fetch(_:)-(Request)`` cancels the transfer: its
/// connection is closed and the call throws ``FetchError/Kind/cancelled``.
/// The client shuts down when the last reference goes, or with ``shutdown()``.
public final class FetchClient: Sendable {
    /// The settings this client was made with.
    public let configuration: Configuration
    private let loop: CurlEventLoop
    private let nextID = Atomic<UInt64>(1)

    /// Creates a client and starts its event-loop thread.
    /// - Throws: ``FetchError`` when libcurl cannot be initialised.
    public init(configuration: Configuration = Configuration()) throws(FetchError) {
        self.configuration = configuration
        self.loop = try CurlEventLoop(configuration: configuration)
    }

    deinit {
        loop.requestShutdown()
    }

    /// Fetches one request and returns its response.
    ///
    /// Any HTTP status is a response; a ``FetchError`` means no complete
    /// response could be had (DNS, connection, time-out, TLS, a limit, ...).
    public func fetch(_ request: Request) async throws(FetchError) -> Response {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let gate = CancellationGate()
        let loop = self.loop
        let result: Result<Response, FetchError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, FetchError>, Never>) in
                let completion: Transfer.Completion = { continuation.resume(returning: $0) }
                let started = gate.start {
                    loop.submit(.start(id: id, request: request, completion: completion))
                }
                switch started {
                case .submitted:
                    break
                case .alreadyCancelled:
                    completion(.failure(FetchError(kind: .cancelled, url: request.url, message: "the task was cancelled")))
                case .loopClosed:
                    completion(.failure(FetchError(kind: .cancelled, url: request.url, message: "the client was shut down")))
                }
            }
        } onCancel: {
            if gate.cancel() {
                loop.submit(.cancel(id: id))
            }
        }
        return try result.get()
    }

    /// Fetches a `GET` request for `url`.
    public func fetch(_ url: String) async throws(FetchError) -> Response {
        try await fetch(Request(url: url))
    }

    /// Stops the event loop and frees every libcurl handle; transfers still in
    /// flight fail with ``FetchError/Kind/cancelled``. Returns when all is freed.
    public func shutdown() async {
        await loop.shutdown()
    }

    /// Cookies the jar refused (removed to stay within
    /// ``Configuration/maxCookiesPerHost`` and ``Configuration/maxCookies``), so far.
    public var cookiesRefused: Int {
        loop.cookiesRefused.load(ordering: .relaxed)
    }

    /// Calls of the event loop that failed so far: its wait (`epoll_wait`,
    /// `curl_multi_poll`) or libcurl's multi interface. Each is logged; after
    /// one the loop pauses (1 ms, doubling up to 1 s while they go on) instead of spinning.
    public var eventLoopErrors: Int {
        loop.loopErrors.load(ordering: .relaxed)
    }

    /// Makes every later wait of an epoll event loop fail (its descriptor
    /// replaced by `/dev/null`), to test the back-off. No effect on the poll loop.
    package func breakEventLoopWaitForTesting() {
        loop.submit(.breakWaitForTesting)
    }

    /// The libcurl version and features in use, for example `libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 brotli/1.0.9 ...`.
    public static var libcurlVersion: String {
        CurlGlobal.versionDescription
    }
}

/// Orders "start" and "cancel" for one fetch, whichever thread comes first.
///
/// A task can be cancelled before its transfer is submitted; without this,
/// the cancel command could reach the loop before the start command and be
/// lost. Both decisions are taken under one lock.
private final class CancellationGate: Sendable {
    enum StartOutcome {
        case submitted, alreadyCancelled, loopClosed
    }

    private let state = LockedState<(started: Bool, cancelled: Bool)>((false, false))

    /// Submits unless cancellation came first. `submit` runs under the lock
    /// so a concurrent `cancel` is ordered after it.
    func start(_ submit: () -> Bool) -> StartOutcome {
        state.withLock { state in
            if state.cancelled { return .alreadyCancelled }
            state.started = true
            return submit() ? .submitted : .loopClosed
        }
    }

    /// Records cancellation; returns whether a cancel command must be sent.
    func cancel() -> Bool {
        state.withLock { state in
            state.cancelled = true
            return state.started
        }
    }
}
