import AsyncURLSupport
import CrawlFrontier

/// The adaptive revisit schedule (the idea of Nutch's AdaptiveFetchSchedule):
/// which pages are due, and each page's next interval after a visit.
struct RevisitSchedule: Sendable {
    let settings: RecrawlSettings

    var minimumMilliseconds: Int64 { settings.minimumInterval.flooredMilliseconds }
    var maximumMilliseconds: Int64 { max(minimumMilliseconds, settings.maximumInterval.flooredMilliseconds) }

    /// Whether a page recorded so is due at `now` (milliseconds since 1970);
    /// a stored interval over today's maximum counts as the maximum. With a
    /// sitemap `hint`: a `lastmod` after the last visit makes the page due,
    /// and the interval is at most the `changefreq` period (see ``bound(_:by:)``);
    /// a sitemap file itself is always due.
    func isDue(_ revisit: PageRevisit, now: Int64, hint: SitemapHint? = nil) -> Bool {
        guard !settings.revisitsAll, hint?.isSitemapFile != true else { return true }
        if let lastModified = hint?.lastModifiedMilliseconds, lastModified > revisit.lastVisitMilliseconds { return true }
        var bounded = revisit
        bounded.intervalMilliseconds = bound(min(revisit.intervalMilliseconds, maximumMilliseconds), by: hint)
        return bounded.dueMilliseconds <= now
    }

    /// `interval`, at most the period of the hint's `changefreq` when it has
    /// one; that period is first brought within the minimum and maximum
    /// (`always` counts as the minimum, `never` as the maximum).
    func bound(_ interval: Int64, by hint: SitemapHint?) -> Int64 {
        guard let period = hint?.changeIntervalMilliseconds else { return interval }
        return min(interval, min(maximumMilliseconds, max(minimumMilliseconds, period)))
    }

    /// The interval after a visit that found `change`: a new page starts at
    /// the minimum; unchanged grows, changed or gone shrinks; always within
    /// bounds, and within a sitemap `hint`'s `changefreq` (``bound(_:by:)``).
    func interval(after change: PageChange, previous: Int64?, hint: SitemapHint? = nil) -> Int64 {
        let factor: Double
        switch change {
        case .new: return bound(minimumMilliseconds, by: hint)
        case .unchanged: factor = settings.growthFactor
        case .changed, .gone: factor = settings.shrinkFactor
        }
        let scaled = Double(previous ?? minimumMilliseconds) * factor
        let bounded = min(
            Double(maximumMilliseconds), max(Double(minimumMilliseconds), scaled.isFinite ? scaled : Double(maximumMilliseconds)))
        return bound(Int64(bounded), by: hint)
    }
}
