/// The start requests of a list of seeds given as URLs and as a
/// ``SeedFile``: a `GET` for each of the URLs, then for each of the file's
/// seeds, in batches of ``batchSize``.
public struct SeedListReader: StartRequestReader {
    /// The most requests a batch holds.
    public static let batchSize = 1024

    private var urls: ArraySlice<String>
    private var lines: SeedFileLines?

    /// A reader of `urls`, then of `file`'s seeds (if any).
    public init(urls: [String], file: SeedFile?) {
        self.urls = urls[...]
        self.lines = file?.lines()
    }

    /// The next batch; `nil` once the URLs and the file are read.
    /// - Throws: ``SeedFileError`` when the file cannot be read.
    public mutating func nextBatch() throws -> [CrawlRequest]? {
        var batch: [CrawlRequest] = []
        batch.reserveCapacity(Self.batchSize)
        while batch.count < Self.batchSize, let url = urls.popFirst() {
            batch.append(CrawlRequest(url: url))
        }
        while batch.count < Self.batchSize, let (_, seed) = try lines?.next() {
            batch.append(CrawlRequest(url: seed))
        }
        return batch.isEmpty ? nil : batch
    }
}
