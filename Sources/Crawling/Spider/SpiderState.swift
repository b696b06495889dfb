import AsyncURLSupport

/// Mutable state of a spider, safe to read and change from ``Spider/parse(_:output:)``
/// calls that run at the same time for different pages.
///
/// Keep it in a `let` of the spider, and change it in one ``withLock(_:)``
/// call (a read followed by a separate write could lose another page's change):
///
/// ```swift
/// final class TitleCounter: Spider, @unchecked Sendable {
///     let titles = SpiderState([String: Int]())
///     override func parse(_ response: CrawlResponse, output: SpiderOutput) async throws {
///         let title = try response.xpath("//title/text()").first ?? ""
///         titles.withLock { $0[title, default: 0] += 1 }
///     }
/// }
/// ```
///
/// The value is guarded by a pthread mutex, which ThreadSanitizer sees
/// (`swift test --sanitize=thread` checks a spider's use of it). Do not `await`
/// inside ``withLock(_:)``: the closure is synchronous, and the lock is held
/// only while it runs.
public final class SpiderState<Value: Sendable>: Sendable {
    private let storage: LockedState<Value>

    /// Creates the state with its first value.
    /// - Parameter value: the value before any page is parsed.
    public init(_ value: Value) {
        storage = LockedState(value)
    }

    /// The value now (a copy: later changes do not show in it).
    public var value: Value {
        storage.withLock { $0 }
    }

    /// Runs `body` with exclusive access to the value: no other page's
    /// change comes between its read and its write.
    /// - Parameter body: reads or changes the value; what it returns is returned.
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw (the value keeps the changes made before the throw).
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        try storage.withLock(body)
    }
}
