import CrawlFrontier

extension CrawlOutput {
    /// Starts a new run of a recrawl over a finished crawl's state: the
    /// queue and the done URLs are emptied (each page's revisit record stays)
    /// and the feeds start empty; returns the state the frontier starts from.
    func beginRecrawlRun(_ store: CrawlStateStore) throws -> PersistedFrontierState {
        var lengths: [String: String] = [:]
        for feed in allFeeds { lengths[Self.lengthKey(feed.path)] = "0" }
        try store.beginNewRun(metadata: lengths)
        let known = try store.revisitCount()
        logger.info("recrawl: a new run over the finished crawl", metadata: ["pages known": "\(known)"])
        return try store.load()
    }
}
