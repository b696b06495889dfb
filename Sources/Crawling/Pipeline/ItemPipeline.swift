/// A step that every scraped item passes through before it reaches the feeds.
///
/// A pipeline can change an item, replace it, or drop it (return `nil`), as
/// Scrapy's item pipelines do. Pipelines run in the order they were given,
/// concurrently for different items, so they must be `Sendable`.
public protocol ItemPipeline: Sendable {
    /// Returns the item to pass on, or `nil` to drop it.
    func process(_ item: any Encodable & Sendable) async throws -> (any Encodable & Sendable)?
}

/// A pipeline made from a closure.
public struct ClosurePipeline: ItemPipeline {
    private let body: @Sendable (any Encodable & Sendable) async throws -> (any Encodable & Sendable)?

    /// Wraps `body` as a pipeline.
    public init(_ body: @escaping @Sendable (any Encodable & Sendable) async throws -> (any Encodable & Sendable)?) {
        self.body = body
    }

    /// Runs the closure.
    public func process(_ item: any Encodable & Sendable) async throws -> (any Encodable & Sendable)? {
        try await body(item)
    }
}
