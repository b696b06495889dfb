import CrawlFrontier
import Testing

@testable import Crawling

/// The adaptive revisit schedule: intervals grow while a page is unchanged,
/// shrink when it changes, and stay within --revisit-min ... --revisit-max.
@Suite("Adaptive revisit schedule")
struct RevisitScheduleTests {
    private func schedule(min: Duration = .seconds(60), max: Duration = .seconds(600), all: Bool = false) -> RevisitSchedule {
        var settings = RecrawlSettings()
        settings.minimumInterval = min
        settings.maximumInterval = max
        settings.revisitsAll = all
        return RevisitSchedule(settings: settings)
    }

    @Test("New pages start at the minimum; unchanged grows ×1.5 up to the maximum; changed shrinks ×0.5 down to the minimum")
    func intervals() {
        let schedule = schedule()
        #expect(schedule.interval(after: .new, previous: nil) == 60_000)
        var interval: Int64 = 60_000
        var seen: [Int64] = []
        for _ in 0..<10 {
            interval = schedule.interval(after: .unchanged, previous: interval)
            seen.append(interval)
        }
        #expect(seen.prefix(3) == [90_000, 135_000, 202_500])
        #expect(seen.last == 600_000, "capped at the maximum")
        #expect(schedule.interval(after: .changed, previous: 600_000) == 300_000)
        #expect(schedule.interval(after: .gone, previous: 70_000) == 60_000, "floored at the minimum")
    }

    @Test(
        "Due when the interval has passed (a stored interval over today's maximum counts as the maximum); --recrawl-all makes every page due"
    )
    func due() {
        let page = PageRevisit(
            fingerprint: 1, url: "http://h/", status: 200, etag: nil, lastModified: nil, digest: [], depth: 0,
            lastVisitMilliseconds: 1_000_000, intervalMilliseconds: 10_000_000, links: [], items: [])
        #expect(!schedule().isDue(page, now: 1_000_000 + 599_999))
        #expect(schedule().isDue(page, now: 1_000_000 + 600_000))
        #expect(!schedule(max: .seconds(100_000)).isDue(page, now: 1_000_000 + 600_000))
        #expect(schedule(all: true).isDue(page, now: 0))
    }
}
