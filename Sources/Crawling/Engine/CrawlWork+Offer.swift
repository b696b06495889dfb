import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import LinkExtraction

/// Offering what pages (and the seeds) lead to, to the frontier.
extension CrawlWork {
    /// The entries of one offer, built before the frontier sees them.
    private struct Batch {
        var entries: [FrontierEntry] = []
        /// The id of each entry's callback, if it has one.
        var callbackIDs: [UInt64?] = []
        /// Links left out as known to the frontier (counted as duplicates).
        var known = 0
        /// Whether links the frontier knows as seen are left out (see `CrawlWork.knownLinks`).
        let skipsKnown: Bool

        mutating func append(_ entry: FrontierEntry, callbackID: UInt64?) {
            entries.append(entry)
            callbackIDs.append(callbackID)
        }
    }

    /// Offers requests found on `base` (or seeds) to the frontier. A request's
    /// callback is kept only when the frontier queued it. Returns the entries offered.
    @discardableResult
    func offer(_ requests: [CrawlRequest], base: WebURL?, depth: Int, referrer: String?, parent: UInt64? = nil, asSeeds: Bool = false) async
        -> [FrontierEntry]
    {
        await offer(requests.map { .request($0) }, base: base, depth: depth, referrer: referrer, parent: parent, asSeeds: asSeeds)
    }

    /// Offers what a callback followed (requests, and pages of links followed
    /// as they are) to the frontier, in order. A request's callback is kept
    /// only when the frontier queued it. Returns the entries offered.
    ///
    /// A found link the frontier already knows as seen (see `knownLinks`) is
    /// counted as the duplicate it would be and not offered: no entry is built for
    /// it, and it costs no hop onto the frontier. A link followed as it is
    /// becomes an entry without a `CrawlRequest`.
    @discardableResult
    func offer(
        _ followed: [SpiderOutput.Followed], base: WebURL?, depth: Int, referrer: String?, parent: UInt64? = nil, asSeeds: Bool = false
    ) async -> [FrontierEntry] {
        // Outlinks and a recrawl's stored links list every link the page offered, known or not.
        var batch = Batch(skipsKnown: !asSeeds && !crawler.settings.recordsOutlinks && recrawl == nil)
        for item in followed {
            switch item {
            case .request(let request):
                add(request, base: base, depth: depth, referrer: referrer, asSeed: asSeeds, to: &batch)
            case .links(let links):
                for index in links.indices { add(links[index], depth: depth, referrer: referrer, to: &batch) }
            }
        }
        if batch.known > 0 { crawler.record { [known = batch.known] in $0.duplicates += known } }
        guard !batch.entries.isEmpty else { return [] }
        let entries = batch.entries
        let outcomes = asSeeds ? await frontier.addSeeds(entries) : await frontier.add(contentsOf: entries)
        if batch.skipsKnown { knownLinks.remember(entries, outcomes: outcomes) }
        recordDecisions(entries, outcomes, parent: parent)
        var refused: [UInt64] = []
        for (index, callbackID) in batch.callbackIDs.enumerated() {
            guard let callbackID else { continue }
            if index >= outcomes.count || outcomes[index] != .queued { refused.append(callbackID) }
        }
        if !refused.isEmpty { callbacks.discard(refused) }
        return entries
    }

    /// Adds the entry for a request to the batch, unless its URL is unusable or known.
    private func add(_ request: CrawlRequest, base: WebURL?, depth: Int, referrer: String?, asSeed: Bool, to batch: inout Batch) {
        guard let resolved = resolvedURL(of: request, base: base) else {
            // A start URL (or a sitemap's) that cannot be crawled is told, not only counted.
            if asSeed {
                crawler.logger.warning(
                    "start URL skipped: not an http or https URL", metadata: ["url": "\(request.url.removingURLCredentials())"])
            }
            return
        }
        let fingerprint = CanonicalURL.fingerprint(of: resolved, options: crawler.settings.canonicalization)
        if batch.skipsKnown, !request.skipsDuplicateFilter, knownLinks.contains(fingerprint) {
            batch.known += 1
            return
        }
        guard let made = entry(for: request, resolved: resolved, fingerprint: fingerprint, depth: depth, referrer: referrer) else { return }
        batch.append(made.entry, callbackID: made.callbackID)
    }

    /// Adds the entry for a link followed as it is (a plain `GET`, no callback) to the batch, unless its URL is not http(s) or known.
    private func add(_ link: Link, depth: Int, referrer: String?, to batch: inout Batch) {
        guard link.resolvedURL.scheme.isHTTPScheme else {
            crawler.recordError(FetchError.Kind.invalidURL.rawValue)
            return
        }
        let fingerprint = CanonicalURL.fingerprint(of: link.resolvedURL, options: crawler.settings.canonicalization)
        if batch.skipsKnown, knownLinks.contains(fingerprint) {
            batch.known += 1
            return
        }
        guard let hostKey = link.resolvedURL.hostKey else { return }
        // The link's URL is its resolved URL's serialisation, fragment already stripped.
        batch.append(
            FrontierEntry(url: link.url, fingerprint: fingerprint, hostKey: hostKey, depth: depth, referrer: referrer), callbackID: nil)
    }

    /// The absolute http(s) URL a request found on `base` (or a seed) names;
    /// `nil` (counted) when it is too long, invalid, or of another scheme.
    private func resolvedURL(of request: CrawlRequest, base: WebURL?) -> WebURL? {
        if request.resolved == nil, let base, ResolvedLength.lowerBound(of: request.url, against: base) > crawler.settings.maxURLLength {
            // Refused before the resolved string is built.
            crawler.record { $0.linksTooLong += 1 }
            return nil
        }
        guard let resolved = request.resolved ?? WebURL(request.url, relativeTo: base), resolved.scheme.isHTTPScheme else {
            crawler.recordError(FetchError.Kind.invalidURL.rawValue)
            return nil
        }
        return resolved
    }

    /// A frontier entry for a request whose URL resolved to `resolved`, with
    /// the id its callback was registered under; `nil` when the URL has no host.
    private func entry(for request: CrawlRequest, resolved: WebURL, fingerprint: UInt64, depth: Int, referrer: String?) -> (
        entry: FrontierEntry, callbackID: UInt64?
    )? {
        guard let hostKey = resolved.hostKey else { return nil }
        var fingerprint = fingerprint
        if request.skipsDuplicateFilter {
            // A fresh fingerprint: the seen-set lets it through.
            fingerprint ^= UInt64.random(in: 1...UInt64.max)
        }
        // Registered before the frontier sees the entry: a worker may take it at once.
        let callbackID = CallbackStore.Handlers(of: request).map { callbacks.register($0) }
        // Fetched as the WHATWG serialisation of what the page wrote (`?b=%zz` stays
        // `?b=%zz`); the canonical form only decides what counts as a duplicate.
        let entry = FrontierEntry(
            url: resolved.removingFragment.href, fingerprint: fingerprint, hostKey: hostKey, depth: depth, priority: request.priority,
            referrer: referrer, payload: RequestPayload.encode(request, callbackID: callbackID))
        return (entry, callbackID)
    }
}
