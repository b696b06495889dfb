import Foundation

/// Counts requests a test route is working on: how many at once (and the
/// most at once), and how many in all. Routes call ``enter()`` on arrival
/// and ``leave()`` before answering, so a client that waits for answers can
/// never make the count run ahead of what it really has in flight.
public final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var current = 0
    private var most = 0
    private var count = 0

    /// Creates a counter at zero.
    public init() {}

    /// A request started.
    public func enter() {
        lock.lock()
        current += 1
        count += 1
        most = max(most, current)
        lock.unlock()
    }

    /// A request is about to be answered.
    public func leave() {
        lock.lock()
        current -= 1
        lock.unlock()
    }

    /// Enters a request, then holds it until at least `company` requests are
    /// in progress or `limit` has passed: a route that holds its requests
    /// this way sees them overlap whenever the client really has them out
    /// together, however slow the machine is. A fixed sleep only shows
    /// overlap when the requests come within it, which a loaded machine may
    /// not manage. The wait is bounded, so a client that sends one request at
    /// a time costs `limit` per request, never a hang.
    public func enterAndAwaitCompany(_ company: Int = 2, atMost limit: Duration = .seconds(2)) async {
        enter()
        let deadline = ContinuousClock.now + limit
        while inProgress < company, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Requests in progress now.
    public var inProgress: Int {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// The most requests in progress at once.
    public var maximum: Int {
        lock.lock()
        defer { lock.unlock() }
        return most
    }

    /// Requests started in all.
    public var total: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
