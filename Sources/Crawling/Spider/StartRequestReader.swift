/// Reads a spider's start requests a batch at a time, for a list too long to
/// hold in memory (see ``Spider/startRequestReader()``).
///
/// A reader is used from one task at a time; the crawl asks the spider for a
/// new one for each pass over the list.
public protocol StartRequestReader {
    /// The next start requests (a batch of any size, at most a few thousand
    /// being what keeps the memory small); `nil` once there are no more.
    /// - Throws: when the list cannot be read; the crawl stops with
    ///   ``CrawlError/startRequestsUnavailable(_:)``.
    mutating func nextBatch() throws -> [CrawlRequest]?
}
