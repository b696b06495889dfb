import AsyncURL
import CrawlFrontier
import LinkExtraction

/// The recrawl steps of a worker (see ``RecrawlSettings``): kept here so the
/// fetch loop in CrawlWork.swift only calls them.
extension CrawlWork {
    /// The recrawl plan of a page; `nil` without a recrawl. A record that
    /// cannot be read is logged, and the page is fetched as a new one.
    /// `request`'s meta may hold what a sitemap said of the page (see `SitemapHint`).
    func recrawlPlan(for entry: FrontierEntry, request: CrawlRequest) -> Recrawl.Plan? {
        guard let recrawl else { return nil }
        let hint = SitemapHint(meta: request.meta)
        if hint?.hasUnreadableValue == true { crawler.record { $0.sitemapHintsIgnored += 1 } }
        do {
            // Every stored link is needed when the page log lists each page's outlinks.
            let plan = try recrawl.plan(for: entry, hint: hint, skipsOfferedLinks: !crawler.settings.recordsOutlinks)
            if let previous = plan.previous, let lastModified = hint?.lastModifiedMilliseconds,
                lastModified > previous.lastVisitMilliseconds,
                !recrawl.schedule.isDue(previous, now: Recrawl.now)
            {
                crawler.record { $0.revisitsDueBySitemap += 1 }
            }
            return plan
        } catch {
            crawler.logger.error("cannot read the page's revisit record; it is fetched as new", metadata: ["error": "\(error)"])
            return Recrawl.Plan(previous: nil, isDue: true)
        }
    }

    /// A page that is not due: not fetched; the links stored from its last
    /// visit are offered to the frontier, and it is done with no output.
    func passOver(_ entry: FrontierEntry, plan: Recrawl.Plan, previous: PageRevisit) async {
        crawler.record { $0.revisitsNotDue += 1 }
        await offerStored(storedEntries(of: previous, from: entry), skipped: plan.skippedLinks)
        // Neither a success nor a failure for the host's throttle and failure window.
        await settle(entry, outcome: .permanentFailure, output: PageOutput(record: nil))
    }

    /// Offers a page's stored links to the frontier and remembers those it
    /// now knows as seen (see ``OfferedLinks``). The `skipped` stored links,
    /// left out as seen already, count as the duplicates the frontier would have found.
    private func offerStored(_ entries: [FrontierEntry], skipped: Int) async {
        if skipped > 0 { crawler.record { $0.duplicates += skipped } }
        guard !entries.isEmpty, let recrawl else { return }
        let outcomes = await frontier.add(contentsOf: entries)
        recrawl.offeredLinks.remember(entries, outcomes: outcomes)
    }

    /// The links stored from a page's last visit, as frontier entries found on it now.
    func storedEntries(of previous: PageRevisit, from entry: FrontierEntry) -> [FrontierEntry] {
        previous.links.compactMap { link in
            if let identity = link.identity {
                return FrontierEntry(
                    url: link.url, fingerprint: identity.fingerprint, hostKey: identity.hostKey, depth: entry.depth + 1,
                    priority: link.priority, referrer: previous.url, payload: link.payload)
            }
            guard let url = WebURL(link.url) else { return nil }
            let canonical = CanonicalURL(url, options: crawler.settings.canonicalization)
            guard let hostKey = canonical.hostKey else { return nil }
            return FrontierEntry(
                url: link.url, fingerprint: canonical.fingerprint, hostKey: hostKey, depth: entry.depth + 1,
                priority: link.priority, referrer: previous.url, payload: link.payload)
        }
    }

    /// What a recrawl makes of a final response: its change, the items to
    /// write (the item diff), and the page's new record. An unchanged page is
    /// not parsed: its stored links are offered instead, and none of its items
    /// are written. Without a recrawl the page is handled as always.
    func recrawled(
        _ response: Response, entry: FrontierEntry, plan: Recrawl.Plan?,
        handle: () async -> PageResult
    ) async -> (page: PageResult, change: PageChange?, revisit: PageRevisit?) {
        guard let plan, let recrawl else { return (await handle(), nil, nil) }
        let assessment = Recrawl.assess(response, plan: plan)
        // A response that says nothing of the page (a 5xx): handled as always, its record kept.
        guard let change = assessment.change else { return (await handle(), nil, nil) }
        var page: PageResult
        var links: [PageRevisit.Link]
        var items: [PageRevisit.ItemDigest]
        if change == .unchanged, let previous = plan.previous {
            let stored = storedEntries(of: previous, from: entry)
            await offerStored(stored, skipped: plan.skippedLinks)
            page = PageResult()
            page.links = stored.count + plan.skippedLinks
            page.found = stored
            // Left as stored: the record written holds none (see PageRevisit.keepsStoredLinks).
            links = []
            items = []
        } else {
            page = await handle()
            // Without this run's callback ids: a later run's ids mean other callbacks.
            links = page.found.map { found in
                PageRevisit.Link(
                    url: found.url, priority: found.priority,
                    payload: found.payload == nil ? nil : RequestPayload.encode(RequestPayload.request(for: found).request),
                    identity: (found.fingerprint, found.hostKey))
            }
            let diff = ItemDiff(items: page.items, previous: plan.previous?.items ?? [], pageURL: response.finalURL)
            page.items = diff.output
            items = diff.digests
            crawler.record { stats in
                for (change, count) in diff.counts { stats.itemChanges[change.rawValue, default: 0] += count }
            }
        }
        crawler.record { $0.changes[change.rawValue, default: 0] += 1 }
        var revisit = recrawl.revisit(of: entry, response: response, plan: plan, assessment: assessment, links: links, items: items)
        revisit?.keepsStoredLinks = change == .unchanged && plan.previous != nil
        return (page, change, revisit)
    }
}
