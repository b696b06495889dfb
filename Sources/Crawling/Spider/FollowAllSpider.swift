/// The spider `asyncurl-crawl` runs: starts from the given URLs and follows
/// every link the crawl's scope, robots.txt and limits allow.
public final class FollowAllSpider: Spider, @unchecked Sendable {
    private let seeds: [String]

    /// Creates the spider for some seed URLs.
    public init(seeds: [String]) {
        self.seeds = seeds
        super.init()
    }

    /// `follow-all`.
    public override var name: String { "follow-all" }

    /// The seeds.
    public override var startURLs: [String] { seeds }

    /// `false`: only HTML is parsed (for its links), so an archived crawl
    /// streams other bodies to the archive without holding them in memory.
    public override var readsNonHTMLBodies: Bool { false }

    /// `true`: links are only followed, so pages at the crawl's maximum
    /// depth need not be parsed (unless links are counted or recorded).
    public override var readsLinksOnlyToFollow: Bool { true }
}
