import CrawlFrontier
import Logging

/// The one owner of a crawl's writes: the item feeds, the page log and the
/// state store of a resumable crawl. An actor on a thread of its own
/// (``WriterThreadExecutor``), so a slow disk or a full pipe never blocks the
/// cooperative pool's threads, and pages are written one at a time.
actor CrawlOutput {
    /// Where scraped items go.
    let itemFeeds: [FeedExporter]
    /// Where one record per fetched URL goes, if anywhere.
    let pageLog: FeedExporter?
    /// Where problems are reported.
    let logger: Logger
    /// The state store of a resumable crawl, once opened.
    private(set) var store: CrawlStateStore?
    private let executor: WriterThreadExecutor

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Creates the writers' owner (no thread runs until it has work).
    init(itemFeeds: [FeedExporter], pageLog: FeedExporter?, logger: Logger) {
        self.itemFeeds = itemFeeds
        self.pageLog = pageLog
        self.logger = logger
        executor = WriterThreadExecutor(name: "asyncurl-writer")
    }

    /// The item feeds and the page log.
    var allFeeds: [FeedExporter] {
        itemFeeds + (pageLog.map { [$0] } ?? [])
    }

    /// The metadata key of a feed's length at a checkpoint.
    static func lengthKey(_ path: String) -> String {
        "feed-length:" + path
    }

    /// Opens the state directory and cuts the feeds back to its last
    /// checkpoint (what no checkpoint covers belongs to pages that will be
    /// fetched again); a recrawl of a finished crawl starts a new run over it.
    /// Returns the store and the state the frontier goes on from.
    func openState(directory: String, lock: StateDirectoryLock?, recrawls: Bool) throws -> (
        store: CrawlStateStore, saved: PersistedFrontierState
    ) {
        let store = try CrawlStateStore(directory: directory, lock: lock)
        var saved = try store.load()
        if recrawls, saved.queued.isEmpty, !saved.done.isEmpty {
            saved = try beginRecrawlRun(store)
        }
        for feed in allFeeds {
            try feed.truncate(to: saved.metadata[Self.lengthKey(feed.path)].flatMap(Int.init) ?? 0)
        }
        self.store = store
        return (store, saved)
    }

    /// Writes a finished page's record and items to the feeds, and (in a
    /// resumable crawl) marks the page done in the same step, so a checkpoint
    /// never holds one without the other.
    ///
    /// An item that cannot be encoded is logged and left out. A feed that
    /// cannot be written (``FeedError/errorNumber`` set) throws; the page is
    /// then not marked done, and in a resumable crawl the feeds are cut back to
    /// where they were before it. A page with no `record` writes none;
    /// `revisit` (a recrawl's record of the page) is committed with it.
    func commit(
        _ entry: FrontierEntry, record: PageRecord?, items: [any Encodable & Sendable], redirectTarget: UInt64?,
        revisit: PageRevisit?
    ) throws(FeedError) {
        if let store {
            try store.recordDone(entry, redirectTarget: redirectTarget, revisit: revisit) { () throws(FeedError) in
                try write(record, items: items, restoringLengths: true)
            }
        } else {
            try write(record, items: items, restoringLengths: false)
        }
    }

    /// Writes a page's record and items; on a failure, with `restoringLengths`, cuts the feeds back to where they were.
    private func write(_ record: PageRecord?, items: [any Encodable & Sendable], restoringLengths: Bool) throws(FeedError) {
        let lengths = restoringLengths ? allFeeds.map(\.length) : []
        do throws(FeedError) {
            // Server text without control characters, URLs without credentials.
            if let record { try pageLog?.write(record.forOutput) }
            for item in items {
                for feed in itemFeeds {
                    do throws(FeedError) {
                        try feed.write(AnyEncodable(item))
                    } catch  where error.errorNumber == nil {
                        logger.error("cannot write an item", metadata: ["feed": "\(feed.path)", "error": "\(error)"])
                    }
                }
            }
        } catch {
            for (feed, length) in zip(allFeeds, lengths) {
                if let length { try? feed.truncate(to: length) }
            }
            throw error
        }
    }

    /// Commits the resumable state (no-op without one).
    func checkpoint() {
        guard let store else { return }
        do {
            try store.commit(metadata: feedLengths, beforeWriting: synchronizeFeeds)
        } catch {
            logger.error("cannot save the crawl's state", metadata: ["error": "\(error)"])
        }
    }

    /// Closes `frontier` and the state store (with the feeds' lengths), then lets the writer thread end.
    func close(frontier: (any URLFrontier)?) async {
        defer { executor.shutDown() }
        do {
            try await frontier?.close()
            try store?.close(metadata: feedLengths, beforeWriting: synchronizeFeeds)
        } catch {
            logger.error("cannot save the crawl's state", metadata: ["error": "\(error)"])
        }
        store = nil
    }

    /// The feeds' lengths, stored with each checkpoint.
    private func feedLengths() -> [String: String] {
        var lengths: [String: String] = [:]
        for feed in allFeeds {
            if let length = feed.length { lengths[Self.lengthKey(feed.path)] = String(length) }
        }
        return lengths
    }

    /// Puts the feeds' bytes on disk, before a checkpoint counts them.
    private func synchronizeFeeds() throws(FeedError) {
        for feed in allFeeds { try feed.synchronize() }
    }
}
