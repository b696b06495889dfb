import AsyncURLSupport

/// What the sitemap readers have found so far: entries (up to the limit),
/// the file's kind, and counted issues. Shared by reference between
/// ``SitemapParser``'s stream and the reader it chose; not thread-safe.
final class SitemapCollector {
    let limits: SitemapParser.Limits
    var kind: Sitemap.Kind = .unknown
    private(set) var entries: [SitemapEntry] = []
    private(set) var issues: [SitemapIssue: Int] = [:]

    init(limits: SitemapParser.Limits) {
        self.limits = limits
    }

    /// Counts one occurrence of `issue`.
    func count(_ issue: SitemapIssue) {
        issues[issue, default: 0] += 1
    }

    /// Adds an entry; returns `false` (and counts ``SitemapIssue/entryLimitReached``)
    /// when the file already gave as many entries as allowed, so the reader stops.
    func add(_ entry: SitemapEntry) -> Bool {
        guard entries.count < limits.maxEntries else {
            count(.entryLimitReached)
            return false
        }
        entries.append(entry)
        return true
    }

    /// `text` as an absolute `http`/`https` URL (surrounding whitespace removed), or
    /// `nil`, counting ``SitemapIssue/skippedLocation``, when it is not one.
    func location(_ text: String) -> String? {
        let trimmed = text.trimmingASCIIWhitespace()
        guard trimmed.utf8.count <= limits.maxLocationLength, let url = WebURL(trimmed),
            url.scheme.isHTTPScheme, let host = url.host, !host.isEmpty
        else {
            count(.skippedLocation)
            return nil
        }
        return url.href
    }

    /// The result.
    func sitemap(decodedBytes: Int, wasCompressed: Bool) -> Sitemap {
        Sitemap(kind: kind, entries: entries, issues: issues, decodedBytes: decodedBytes, wasCompressed: wasCompressed)
    }
}
