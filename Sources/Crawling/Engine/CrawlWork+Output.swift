import CrawlFrontier

/// What is written for one URL, and the order of writing and completing.
extension CrawlWork {
    /// What is written for one URL once it is done: its page-log record (none
    /// for a page a recrawl passed over), its items, and its revisit record.
    struct PageOutput {
        /// The page-log line.
        var record: PageRecord?
        /// Items scraped (after the pipelines).
        var items: [any Encodable & Sendable] = []
        /// The fingerprint of the redirect target the page was handled as.
        var redirectTarget: UInt64?
        /// What a later recrawl needs to know of the page.
        var revisit: PageRevisit?
    }

    /// Completes a URL in the frontier and writes its output, in the order
    /// that keeps both promises of its frontier: in one process the output
    /// first (a crawl killed in between fetches the URL again on resume, and
    /// loses nothing); with a shared frontier the completion first, and the
    /// output only when the frontier accepted it (a claim that expired is
    /// another worker's, and that worker writes the output: once across the fleet).
    func settle(_ entry: FrontierEntry, outcome: FetchOutcome, output: PageOutput) async {
        guard frontier.fencesOutput else {
            await write(entry, output)
            await frontier.complete(entry, outcome: outcome)
            return
        }
        if await frontier.complete(entry, outcome: outcome) == .claimLost { return recordClaimLost(entry) }
        if await write(entry, output) { await frontier.recorded(entry) }
    }

    /// Counts and logs a URL whose claim another worker took over: nothing is written for it here.
    func recordClaimLost(_ entry: FrontierEntry) {
        crawler.recordError("leaseLost")
        crawler.logger.warning(
            "claim expired before the page was recorded; another worker fetches it and writes its output",
            metadata: ["url": "\(entry.url)"])
    }

    /// Writes a URL's output; `false` when it could not be (a feed that cannot
    /// be written stops the crawl: `Crawler.outputFailure`).
    @discardableResult
    func write(_ entry: FrontierEntry, _ output: PageOutput) async -> Bool {
        do throws(FeedError) {
            try await self.output.commit(
                entry, record: output.record, items: output.items, redirectTarget: output.redirectTarget, revisit: output.revisit)
        } catch {
            crawler.stopForOutputFailure(error)
            return false
        }
        crawler.record { $0.items += output.items.count }
        if let record = output.record, let decisions { Self.recordFetch(of: entry, record: record, in: decisions) }
        return true
    }
}
