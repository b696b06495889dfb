/// Something wrong with a sitemap file that was skipped or cut short; the
/// parser counts each kind in ``Sitemap/issues`` instead of failing.
public enum SitemapIssue: String, Sendable, Hashable, CaseIterable {
    /// The XML is not well-formed (or truncated): what came before the error is kept.
    case malformedXML
    /// The body starts like gzip but does not inflate (corrupt or truncated).
    case invalidGzip
    /// The document parsed, but its root is neither `<urlset>` nor `<sitemapindex>`.
    case unknownRootElement
    /// A `<loc>`, alternate `href` or text line that is not an absolute `http`/`https` URL.
    case skippedLocation
    /// More entries than ``SitemapParser/Limits/maxEntries``: the rest of the file was not read.
    case entryLimitReached
    /// More decoded bytes than ``SitemapParser/Limits/maxDecodedBytes``: the rest of the file was not read.
    case sizeLimitExceeded
}
