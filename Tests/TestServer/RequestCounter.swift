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
