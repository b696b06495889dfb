import AsyncURLSupport
import CrawlFrontier

/// The adaptive revisit schedule (the idea of Nutch's AdaptiveFetchSchedule):
/// which pages are due, and each page's next interval after a visit.
struct RevisitSchedule: Sendable {
    let settings: RecrawlSettings

    var minimumMilliseconds: Int64 { settings.minimumInterval.flooredMilliseconds }
    var maximumMilliseconds: Int64 { max(minimumMilliseconds, settings.maximumInterval.flooredMilliseconds) }

    /// Whether a page recorded so is due at `now` (milliseconds since 1970);
    /// a stored interval over today's maximum counts as the maximum.
    func isDue(_ revisit: PageRevisit, now: Int64) -> Bool {
        guard !settings.revisitsAll else { return true }
        var bounded = revisit
        bounded.intervalMilliseconds = min(revisit.intervalMilliseconds, maximumMilliseconds)
        return bounded.dueMilliseconds <= now
    }

    /// The interval after a visit that found `change`: a new page starts at
    /// the minimum; unchanged grows, changed or gone shrinks; always within bounds.
    func interval(after change: PageChange, previous: Int64?) -> Int64 {
        let factor: Double
        switch change {
        case .new: return minimumMilliseconds
        case .unchanged: factor = settings.growthFactor
        case .changed, .gone: factor = settings.shrinkFactor
        }
        let scaled = Double(previous ?? minimumMilliseconds) * factor
        let bounded = min(Double(maximumMilliseconds), max(Double(minimumMilliseconds), scaled.isFinite ? scaled : Double(maximumMilliseconds)))
        return Int64(bounded)
    }
}
