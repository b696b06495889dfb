/// How a crawl with a state directory revisits the pages of its earlier runs
/// (``CrawlSettings/recrawl``).
///
/// Each page done gets a record (validators, body digest, the links it led
/// to, its keyed items, when to visit it again). When a run with these
/// settings finds its state directory holding a finished crawl, it starts a
/// new run: pages that are due are fetched again with `If-None-Match` and
/// `If-Modified-Since`; a `304 Not Modified`, or a body with the digest of the
/// last one, is `unchanged` and is not parsed again (the links stored from
/// the last visit go to the frontier, so the crawl still reaches everything);
/// pages not due yet are not fetched, and their stored links are offered all
/// the same.
///
/// The schedule adapts as Nutch's AdaptiveFetchSchedule does: a page starts
/// at ``minimumInterval``; each visit that finds it unchanged multiplies its
/// interval by ``growthFactor``, each visit that finds it changed by
/// ``shrinkFactor``, within ``minimumInterval`` ... ``maximumInterval``.
public struct RecrawlSettings: Sendable, Hashable {
    /// The shortest time between two visits of a page, and a new page's interval (one hour).
    public var minimumInterval: Duration = .seconds(3600)
    /// The longest time between two visits of a page (30 days).
    public var maximumInterval: Duration = .seconds(30 * 86_400)
    /// What an unchanged page's interval is multiplied by (1.5).
    public var growthFactor = 1.5
    /// What a changed page's interval is multiplied by (0.5).
    public var shrinkFactor = 0.5
    /// Revisit every page, due or not (`--recrawl-all`).
    public var revisitsAll = false

    /// Creates the default recrawl settings.
    public init() {}
}
