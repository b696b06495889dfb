import Archiving
import AsyncURL
import CrawlFrontier

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One run's side of a recrawl (``CrawlSettings/recrawl``): reads each page's
/// record of its last visit from the state store, decides whether it is due,
/// adds the validators to its request, tells how it changed, and makes its
/// new record.
struct Recrawl: Sendable {
    /// What is known of a page before it is fetched.
    struct Plan: Sendable {
        /// Its record from the last visit; `nil` for a page not seen before.
        var previous: PageRevisit?
        /// Whether it is fetched (a new page always is).
        var isDue: Bool
        /// The SHA-1 digest of the body fetched, when the fetch already made
        /// it (an archived fetch's spool hashes the body as it streams), so the
        /// body is hashed once.
        var payloadDigest: [UInt8]? = nil
        /// What a sitemap said of the page, if it was found in one.
        var hint: SitemapHint? = nil
        /// The stored links left out of ``previous`` as offered already (see ``OfferedLinks``).
        var skippedLinks = 0

        /// The page's capture in the last visit, for a WARC `revisit` record.
        var capture: WARCPreviousCapture? {
            previous.map {
                WARCPreviousCapture(
                    url: $0.url, date: Date(timeIntervalSince1970: Double($0.lastVisitMilliseconds) / 1000), payloadDigest: $0.digest)
            }
        }
    }

    /// How a response compares with the last visit.
    struct Assessment: Sendable {
        /// `nil` when the response says nothing about the page (a 5xx, say): its record is left as it was.
        var change: PageChange?
        /// The SHA-1 digest of the body received.
        var digest: [UInt8]
    }

    let schedule: RevisitSchedule
    let store: CrawlStateStore
    /// The stored links this run offered that the frontier knows as seen.
    let offeredLinks = OfferedLinks()

    init(settings: RecrawlSettings, store: CrawlStateStore) {
        schedule = RevisitSchedule(settings: settings)
        self.store = store
    }

    /// Milliseconds since 1970, now.
    static var now: Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// The plan for a page; a record that cannot be read counts as none (the page is fetched as new).
    /// - Parameters:
    ///   - hint: what a sitemap said of the page (its `lastmod` and `changefreq`), if anything.
    ///   - skipsOfferedLinks: whether the stored links this run offered and
    ///     the frontier knows as seen are left out of the plan's record (see ``OfferedLinks``).
    func plan(for entry: FrontierEntry, hint: SitemapHint? = nil, skipsOfferedLinks: Bool = false) throws(StateStoreError) -> Plan {
        let offered = offeredLinks
        guard let found = try store.revisit(for: entry.fingerprint, skippingLinks: { skipsOfferedLinks && offered.contains($0) }) else {
            return Plan(previous: nil, isDue: true, hint: hint)
        }
        var plan = Plan(previous: found.revisit, isDue: schedule.isDue(found.revisit, now: Self.now, hint: hint), hint: hint)
        plan.skippedLinks = found.skippedLinks
        return plan
    }

    /// Adds `If-None-Match` and `If-Modified-Since` from the last visit's validators
    /// (unless the request has its own).
    static func addValidators(of plan: Plan, to request: inout Request) {
        guard let previous = plan.previous, (200..<300).contains(previous.status) else { return }
        if let etag = previous.etag, !request.headers.contains("If-None-Match") {
            request.headers.add(name: "If-None-Match", value: etag)
        }
        if let lastModified = previous.lastModified, !request.headers.contains("If-Modified-Since") {
            request.headers.add(name: "If-Modified-Since", value: lastModified)
        }
    }

    /// How `response` compares with the plan's last visit.
    static func assess(_ response: Response, plan: Plan) -> Assessment {
        let bytes = plan.payloadDigest ?? response.body.withUnsafeBytes { SHA1Digest.digest(of: $0) }
        let status = response.status
        guard status < 500, status != 429 else { return Assessment(change: nil, digest: bytes) }
        guard let previous = plan.previous else {
            return Assessment(change: status == 304 ? nil : .new, digest: bytes)
        }
        if status == 304 { return Assessment(change: .unchanged, digest: previous.digest) }
        if status == 404 || status == 410, (200..<300).contains(previous.status) { return Assessment(change: .gone, digest: bytes) }
        return Assessment(change: status == previous.status && bytes == previous.digest ? .unchanged : .changed, digest: bytes)
    }

    /// The page's new record, after a visit that found `change`.
    /// - Parameters:
    ///   - links: the requests the page led to (the stored ones when it was not parsed).
    ///   - items: its keyed items (the stored ones when it was not parsed).
    func revisit(
        of entry: FrontierEntry, response: Response, plan: Plan, assessment: Assessment,
        links: [PageRevisit.Link], items: [PageRevisit.ItemDigest]
    ) -> PageRevisit? {
        guard let change = assessment.change else { return nil }
        let previous = plan.previous
        let isNotModified = response.status == 304
        return PageRevisit(
            fingerprint: entry.fingerprint, url: isNotModified ? (previous?.url ?? response.finalURL) : response.finalURL,
            status: isNotModified ? (previous?.status ?? 200) : response.status,
            etag: response.headers["ETag"] ?? (isNotModified ? previous?.etag : nil),
            lastModified: response.headers["Last-Modified"] ?? (isNotModified ? previous?.lastModified : nil),
            digest: assessment.digest, depth: entry.depth, lastVisitMilliseconds: Self.now,
            intervalMilliseconds: schedule.interval(after: change, previous: previous?.intervalMilliseconds, hint: plan.hint),
            links: links, items: items)
    }
}
