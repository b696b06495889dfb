/// The spider `asyncurl-crawl` runs: starts from the given URLs and follows
/// every link the crawl's scope, robots.txt and limits allow.
public final class FollowAllSpider: Spider, @unchecked Sendable {
    private let seeds: [String]
    private let seedFile: SeedFile?

    /// Creates the spider for some seed URLs.
    public init(seeds: [String]) {
        self.seeds = seeds
        self.seedFile = nil
        super.init()
    }

    /// Creates the spider for some seed URLs and the seeds of a file, which
    /// the crawl reads a batch at a time (a list of any length).
    public init(seeds: [String], seedFile: SeedFile) {
        self.seeds = seeds
        self.seedFile = seedFile
        super.init()
    }

    /// `follow-all`.
    public override var name: String { "follow-all" }

    /// The seeds.
    public override var startURLs: [String] { seeds }

    /// With a seed file, a ``SeedListReader`` of the seed URLs and the file's seeds; else `nil`.
    public override func startRequestReader() throws -> (any StartRequestReader)? {
        seedFile.map { SeedListReader(urls: seeds, file: $0) }
    }

    /// `false`: only HTML is parsed (for its links), so an archived crawl
    /// streams other bodies to the archive without holding them in memory.
    public override var readsNonHTMLBodies: Bool { false }

    /// `true`: links are only followed, so pages at the crawl's maximum
    /// depth need not be parsed (unless links are counted or recorded).
    public override var readsLinksOnlyToFollow: Bool { true }
}
