/// Runs a queue of request descriptions in parallel: the original AsyncURL API.
///
/// Put ``AsyncURLSession`` values on ``queue``, then call ``parallel()`` for
/// every result in queue order, or iterate ``completions()`` to handle each
/// result as soon as it arrives. At most ``maxConcurrency`` transfers run at
/// once, all on the client's single event-loop thread.
///
/// ```swift
/// let fetch = try AsyncURLFetch(maxConcurrency: 64)
/// var session = AsyncURLSession()
/// session.fetchURL = "http://127.0.0.1:8080/"
/// fetch.queue.putNowait(session)
/// for result in await fetch.parallel() {
///     print(result.session.fetchURL, (try? result.result.get().status) ?? 0)
/// }
/// ```
public final class AsyncURLFetch: Sendable {
    /// The result of one queued description.
    public struct SessionResult: Sendable {
        /// The position of the description in the order it was taken from the queue.
        public var index: Int
        /// The description as it was queued.
        public var session: AsyncURLSession
        /// The response, or why there is none.
        public var result: Result<Response, FetchError>

        /// The response, or `nil` when the transfer failed.
        public var response: Response? { try? result.get() }
    }

    /// The queue of descriptions waiting to run. Descriptions put on it while
    /// a run is going are taken by that run too.
    public let queue = RequestQueue<AsyncURLSession>()
    /// The client that performs the transfers.
    public let client: FetchClient
    /// The most transfers in flight at once.
    public let maxConcurrency: Int

    /// Creates a runner with its own client.
    /// - Throws: ``FetchError`` when libcurl cannot be initialised.
    public convenience init(maxConcurrency: Int = 64, configuration: FetchClient.Configuration = FetchClient.Configuration())
        throws(FetchError)
    {
        self.init(client: try FetchClient(configuration: configuration), maxConcurrency: maxConcurrency)
    }

    /// Creates a runner that uses an existing client.
    public init(client: FetchClient, maxConcurrency: Int = 64) {
        self.client = client
        self.maxConcurrency = max(1, maxConcurrency)
    }

    /// Runs every queued description (and any added meanwhile) and returns
    /// one result per description, in the order they were queued.
    public func parallel() async -> [SessionResult] {
        var results: [SessionResult] = []
        for await result in completions() {
            results.append(result)
        }
        results.sort { $0.index < $1.index }
        return results
    }

    /// Runs the queued descriptions and yields each result as it completes.
    /// Ending the iteration early cancels the transfers still running.
    public func completions() -> AsyncStream<SessionResult> {
        let (stream, continuation) = AsyncStream.makeStream(of: SessionResult.self)
        let task = Task { [queue, client, maxConcurrency] in
            await withTaskGroup(of: SessionResult.self) { group in
                var nextIndex = 0
                var inFlight = 0
                while true {
                    while inFlight < maxConcurrency, !Task.isCancelled, let session = queue.getNowait() {
                        let index = nextIndex
                        nextIndex += 1
                        inFlight += 1
                        group.addTask {
                            let result: Result<Response, FetchError>
                            do throws(FetchError) {
                                result = .success(try await client.fetch(session.request))
                            } catch {
                                result = .failure(error)
                            }
                            return SessionResult(index: index, session: session, result: result)
                        }
                    }
                    guard inFlight > 0, let finished = await group.next() else { break }
                    inFlight -= 1
                    continuation.yield(finished)
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
