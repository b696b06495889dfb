/// Reads a spider's start requests a batch at a time, for a list too long to
/// hold in memory (see ``Spider/startRequestReader()``).
///
/// The crawl reads it on a thread of its own, one batch at a time, so a
/// reader may block while it reads (a file, a database) without stalling the
/// crawl's workers. It asks the spider for a new reader for each pass over the list.
public protocol StartRequestReader {
    /// The next start requests (a batch of any size, at most a few thousand
    /// being what keeps the memory small); `nil` once there are no more.
    /// - Throws: when the list cannot be read; the crawl stops with
    ///   ``CrawlError/startRequestsUnavailable(_:)``.
    mutating func nextBatch() throws -> [CrawlRequest]?
}
