/// How a page fetched by a recrawl compares with its last visit (the page
/// log's `change` field, counted in ``CrawlStats/changes``).
public enum PageChange: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not fetched in an earlier run.
    case new
    /// Its body (or status) differs from the last visit's.
    case changed
    /// `304 Not Modified`, or the same status and body digest as the last visit.
    case unchanged
    /// 404 or 410 now, after a 2xx on the last visit.
    case gone
}
