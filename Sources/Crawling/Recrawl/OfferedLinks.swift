import AsyncURLSupport
import CrawlFrontier

/// The fingerprints of links offered to the frontier that it now knows as
/// seen (it queued them, found them duplicates, or marked them seen and
/// refused them by robots.txt): offered again they would be duplicates. A
/// link found here is not offered again (no frontier entry is built for it)
/// and is counted as the duplicate it would have been: a site's navigation,
/// on every page, is offered once per run instead of once per page. A crawl
/// keeps one for the links its pages give (`CrawlWork.knownLinks`); a
/// recrawl keeps one for the stored links it offers again, whose URLs it then
/// does not even decode (see `CrawlStateStore.revisit(for:skippingLinks:)`).
///
/// A fixed table of ``slotCount`` fingerprints (512 KiB, a
/// `RecentFingerprints`), so its memory does not grow with the crawl: a link whose slot
/// another link took since is offered again, and the frontier finds it a
/// duplicate, as it would without the table. A link the frontier refused
/// without marking it seen (out of scope, the queue full, the page limit) is
/// not remembered: it is offered again from every page, as before.
final class OfferedLinks: Sendable {
    /// The number of fingerprints remembered at most.
    static let slotCount = 1 << 16

    private let slots = LockedState(RecentFingerprints(slotCount: slotCount))

    /// Whether the link with this fingerprint was offered, and is seen.
    func contains(_ fingerprint: UInt64) -> Bool {
        slots.withLock { $0.contains(fingerprint) }
    }

    /// Remembers the entries the frontier now knows as seen.
    /// - Parameters:
    ///   - entries: the entries offered.
    ///   - outcomes: the frontier's answer for each, in the same order.
    func remember(_ entries: [FrontierEntry], outcomes: [FrontierAddOutcome]) {
        slots.withLock { slots in
            for (entry, outcome) in zip(entries, outcomes) where Self.isSettled(outcome) {
                slots.insert(entry.fingerprint)
            }
        }
    }

    /// Whether the frontier marked the URL seen: a later offer is a duplicate.
    private static func isSettled(_ outcome: FrontierAddOutcome) -> Bool {
        switch outcome {
        case .queued, .duplicate, .robotsDenied: true
        case .rejected, .pageLimitReached, .queueLimitReached: false
        }
    }
}
