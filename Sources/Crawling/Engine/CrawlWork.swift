import Archiving
import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import LinkExtraction
import Logging
import Rendering

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the workers of one ``Crawler/run()`` share: the client, the frontier,
/// and the callbacks of queued requests that have one.
final class CrawlWork: Sendable {
    let crawler: Crawler
    let client: FetchClient
    let frontier: any URLFrontier
    /// The owner of the feeds, the page log and the state store.
    let output: CrawlOutput
    let scope: CrawlScope
    /// The seeds' host keys (`scheme://host:port`).
    let seedHosts: Set<String>
    /// Where fetches are archived, if anywhere.
    let archive: WARCArchive?
    /// The recrawl of this run, if it is one (see ``RecrawlSettings``).
    let recrawl: Recrawl?
    /// The callbacks of queued requests that have one, until they go out.
    let callbacks: CallbackStore
    /// Renders the pages ``CrawlSettings/rendering`` chooses, if any.
    let renderer: PageRenderer?
    /// Where what the frontier decided about each URL is recorded (a resumable crawl's state, Redis), for `--explain`.
    let decisions: (any URLDecisionRecorder)?
    /// The fingerprints of found links the frontier knows as seen, so that a
    /// site's navigation, on every page, is offered once rather than once per page.
    let knownLinks = OfferedLinks()

    init(
        crawler: Crawler, client: FetchClient, frontier: any URLFrontier, output: CrawlOutput, scope: CrawlScope, seedHosts: Set<String>,
        callbacks: CallbackStore, archive: WARCArchive? = nil, recrawl: Recrawl? = nil, renderer: PageRenderer? = nil,
        decisions: (any URLDecisionRecorder)? = nil
    ) {
        self.renderer = renderer
        self.output = output
        self.decisions = decisions
        self.recrawl = recrawl
        self.seedHosts = seedHosts
        self.callbacks = callbacks
        self.archive = archive
        self.crawler = crawler
        self.client = client
        self.frontier = frontier
        self.scope = scope
    }

    /// Takes URLs from the frontier until it runs dry or the crawl stops.
    func runWorker() async {
        while !crawler.isStopping, let entry = await frontier.next() {
            // Taken after a stop: left for a resumed crawl.
            guard !crawler.isStopping else { return }
            // In a task of its own: stopping cancels the workers waiting for a
            // URL, not the pages being fetched.
            await Task { await processWhileReady(from: entry) }.value
        }
    }

    /// Handles `first`, then the URLs that are ready at once, until none is
    /// or the crawl stops: one task for a run of pages, not one per page (a
    /// task per page cost 10–15% of a list fetch's CPU time).
    private func processWhileReady(from first: FrontierEntry) async {
        var entry = first
        while true {
            await process(entry)
            guard !crawler.isStopping, let next = await frontier.nextIfReady() else { return }
            // Taken after a stop: left for a resumed crawl.
            guard !crawler.isStopping else { return }
            entry = next
        }
    }

    /// The callback and errback registered under `id` in this process; when
    /// there are none (another worker of a shared crawl, or an earlier run,
    /// queued the request) the spider's `parse` and `handleFailure` handle
    /// it, with a warning once per callback or errback name.
    private func handlers(of request: CrawlRequest, id: UInt64?, url: String) -> CallbackStore.Handlers? {
        guard let id else { return nil }
        if let handlers = callbacks.take(id) { return handlers }
        let missing = [("callback", "parse", request.callbackName), ("errback", "handleFailure", request.errbackName)]
            .filter { $0.2 != nil || (request.callbackName == nil && request.errbackName == nil && $0.0 == "callback") }
        for (kind, method, name) in missing {
            guard let shown = callbacks.shouldWarnMissing(name) else { continue }
            crawler.logger.warning(
                """
                a request's \(kind) cannot run in this process (another worker of a shared crawl, or an earlier run, queued it): \
                the spider's \(method) handles it instead; route by meta to choose the handling in any process
                """, metadata: ["\(kind)": "\(shown)", "url": "\(url)"])
        }
        return nil
    }

    /// Fetches one URL and records what came of it: the steps of a page, in order.
    private func process(_ entry: FrontierEntry) async {
        let (request, callbackID) = takeRequest(of: entry)
        var plan = recrawlPlan(for: entry, request: request)
        if let plan, !plan.isDue, let previous = plan.previous {
            return await passOver(entry, plan: plan, previous: previous)
        }
        var fetchRequest = fetchRequest(for: entry, request: request, plan: plan)
        fetchRequest.keepsBody = readsBody(atDepth: entry.depth)
        guard await sendThroughMiddlewares(&fetchRequest, for: request, entry: entry) else { return }
        // An archived crawl keeps a body cut at the size limit, for the
        // archive (marked truncated); for the crawl it is still bodyTooLarge.
        fetchRequest.capturesExchange = archive != nil
        fetchRequest.truncatesBody = archive != nil
        let spool = bodySpool(for: fetchRequest)
        if let spool {
            fetchRequest.bodyConsumer = spool
        } else if fetchRequest.bodyConsumer == nil, fetchRequest.keepsBody, !crawler.spider.readsNonHTMLBodies, recrawl == nil {
            // A recrawl hashes every body it compares, so it keeps them.
            fetchRequest.bodyConsumer = NonHTMLBodyFilter()
        }
        let (fetched, latency) = await fetch(fetchRequest, spool: spool, plan: &plan)
        crawler.metrics.fetchDuration.record(duration: latency)
        if crawler.isAbandoned {
            // The crawl was stopped at once: nothing is recorded, so a resumed crawl fetches it again.
            return
        }
        guard let (result, decided) = await receiveThroughMiddlewares(fetched, for: fetchRequest, entry: entry, latency: latency) else {
            return
        }
        let outcome = decided ?? Self.outcome(of: result, latency: latency, attempt: entry.attempt, policy: frontier.policy)
        await conclude(entry, outcome: outcome, result: result, latency: latency, request: request, callbackID: callbackID, plan: plan)
    }

    /// The spider's request behind a frontier entry, with its callback (taken from the store), and the callback's id.
    private func takeRequest(of entry: FrontierEntry) -> (request: CrawlRequest, callbackID: UInt64?) {
        let decoded = RequestPayload.request(for: entry)
        var request = decoded.request
        let handlers = handlers(of: request, id: decoded.callbackID, url: entry.url)
        request.callback = handlers?.callback
        request.errback = handlers?.errback
        return (request, decoded.callbackID)
    }

    /// The fetch core's request for an entry: the spider's method, headers and
    /// body, a recrawl's validators, and redirects checked against the scope.
    private func fetchRequest(for entry: FrontierEntry, request: CrawlRequest, plan: Recrawl.Plan?) -> Request {
        var fetchRequest = Request(url: entry.url, method: request.method, headers: request.headers, body: request.body)
        if let plan { Recrawl.addValidators(of: plan, to: &fetchRequest) }
        applyHostUserAgent(to: &fetchRequest, hostKey: entry.hostKey)
        let scope = scope
        let seedHosts = seedHosts
        fetchRequest.redirectPolicy = RedirectPolicy(maxHops: 10) { from, location in
            // The Location is resolved here, as the WHATWG URL Standard says, and
            // exactly the serialisation the scope check sees is what is fetched
            // (libcurl's own reading of an odd Location could name another host).
            // Off-scope redirects are recorded (as the 3xx response), not
            // followed. Targets that are not http(s) go on to the fetch core,
            // which refuses them with forbiddenRedirect.
            guard let base = WebURL(from), let parsed = WebURL(location, relativeTo: base)?.removingFragment else { return nil }
            guard parsed.scheme.isHTTPScheme else { return parsed.href }
            guard let hostKey = parsed.hostKey else { return nil }
            let probe = FrontierEntry(url: parsed.href, fingerprint: 0, hostKey: hostKey, depth: 0)
            return scope.rejection(of: probe, seedHosts: seedHosts) == .offScope ? nil : parsed.href
        }
        return fetchRequest
    }

    /// Passes the request through the middlewares' `willSend`; `false` when
    /// one skipped it (then recorded as skipped, and done).
    private func sendThroughMiddlewares(_ fetchRequest: inout Request, for request: CrawlRequest, entry: FrontierEntry) async -> Bool {
        for middleware in crawler.middlewares {
            if case .skip(let reason) = await middleware.willSend(&fetchRequest, for: request) {
                crawler.record { $0.skippedRequests += 1 }
                let record = PageRecord(entry: entry, error: "skipped: \(reason)")
                await settle(entry, outcome: .permanentFailure, output: PageOutput(record: record))
                return false
            }
        }
        return true
    }

    /// Fetches the request (archiving what it captured, and giving the plan
    /// the digest the spool made) and measures how long it took.
    private func fetch(_ fetchRequest: Request, spool: WARCBodySpool?, plan: inout Recrawl.Plan?) async -> (
        Result<Response, FetchError>, latency: Duration
    ) {
        // With rendering, the rendered pages' own requests share the per-host limits with this fetch.
        let gateKey = renderer.map { _ in HostGate.key(of: fetchRequest.url) }
        if let gateKey { await renderer?.enterPageFetch(gateKey) }
        let started = ContinuousClock.now
        let result: Result<Response, FetchError>
        do {
            let response = try await client.fetch(fetchRequest)
            if let gateKey {
                let sample = HostGate.throttleSample(of: .success(response), latency: .now - started)
                await renderer?.leavePageFetch(gateKey, latency: sample?.latency, succeeded: sample?.succeeded ?? false)
            }
            crawler.archive(response, in: archive, spool: spool, previous: plan?.capture)
            plan?.payloadDigest = spool?.payloadDigest
            if response.isTruncated {
                result = .failure(
                    FetchError(
                        kind: .bodyTooLarge, url: response.finalURL,
                        message: "the body exceeded the limit of \(crawler.settings.maxBodySize) bytes (archived cut at the limit)"))
            } else {
                result = .success(response)
            }
        } catch {
            if let gateKey {
                let sample = HostGate.throttleSample(of: .failure(error), latency: .now - started)
                await renderer?.leavePageFetch(gateKey, latency: sample?.latency, succeeded: false)
            }
            result = .failure(error)
        }
        return (result, ContinuousClock.now - started)
    }

    /// Passes a response through the middlewares' `didReceive`: the response
    /// they accepted, and the outcome when one asked for a retry; `nil` when
    /// one dropped it (then recorded as dropped, and done).
    private func receiveThroughMiddlewares(
        _ result: Result<Response, FetchError>, for fetchRequest: Request, entry: FrontierEntry,
        latency: Duration
    ) async -> (Result<Response, FetchError>, decided: FetchOutcome?)? {
        guard case .success(var response) = result else { return (result, nil) }
        for middleware in crawler.middlewares {
            switch await middleware.didReceive(response, for: fetchRequest) {
            case .accept(let accepted):
                response = accepted
            case .retry(let delay):
                return (.success(response), .retryAfter(delay ?? frontier.policy.backoff(beforeRetry: entry.attempt + 1)))
            case .drop(let reason):
                crawler.record { $0.droppedResponses += 1 }
                let record = PageRecord(entry: entry, dropped: response, reason: reason, elapsed: latency)
                await settle(entry, outcome: .success(latency: latency), output: PageOutput(record: record))
                return nil
            }
        }
        return (.success(response), nil)
    }

    /// Completes the entry in the frontier and records its result: a URL that
    /// may be retried is parsed only when its result is final.
    private func conclude(
        _ entry: FrontierEntry, outcome: FetchOutcome, result: Result<Response, FetchError>, latency: Duration,
        request: CrawlRequest, callbackID: UInt64?, plan: Recrawl.Plan?
    ) async {
        switch outcome {
        case .transientFailure where isLastTry(entry, result: result):
            // Final: what its errback asks for goes into the frontier before it is completed.
            let output = await finish(entry, result: result, latency: latency, request: request, plan: plan)
            await settle(entry, outcome: outcome, output: output)
        case .retryAfter, .hostBusy, .transientFailure:
            // May be retried: nothing is parsed from it unless it is final.
            let completion = await frontier.complete(entry, outcome: outcome)
            var failure: String?
            switch completion {
            case .retryScheduled:
                // The retry needs the request's callback and errback again.
                if let handlers = CallbackStore.Handlers(of: request), let callbackID { callbacks.restore(handlers, id: callbackID) }
                return
            case .claimLost:
                return recordClaimLost(entry)
            case .waitTooLong(let asked):
                failure =
                    "retryWaitTooLong: asked to wait \(Int(asked.inSeconds.rounded(.up))) s, more than the \(Int(frontier.policy.maxRetryWait.inSeconds)) s allowed"
            case .done, .gaveUp:
                break
            }
            let output = await finish(entry, result: result, latency: latency, request: request, plan: plan, failure: failure)
            if await write(entry, output) { await frontier.recorded(entry) }
        case .success, .permanentFailure:
            // The host's next request need not wait for this page's parsing
            // (per-host limits count requests, not pages being handled).
            if case .success = result, readsLinks(atDepth: entry.depth) { await frontier.releaseHostSlot(of: entry, outcome: outcome) }
            // The links found go into the frontier before this URL is
            // completed: a frontier with nothing queued and nothing in
            // flight is finished, and its workers would leave.
            let output = await finish(entry, result: result, latency: latency, request: request, plan: plan)
            await settle(entry, outcome: outcome, output: output)
        }
    }

    /// How a fetch ended, for the frontier: 429 pauses the host (for its
    /// `Retry-After`, or the backoff); 503 and a 500, 502 or 504 with
    /// `Retry-After` delay that URL only; 500, 502, 504 and transient transport
    /// failures are retried after the backoff; other failures are final.
    private static func outcome(of result: Result<Response, FetchError>, latency: Duration, attempt: Int, policy: PolitenessPolicy)
        -> FetchOutcome
    {
        // The wait asked for, up to a year: a wait over the policy's cap is refused, and recorded as asked.
        func askedWait(_ response: Response) -> Duration? {
            response.headers["Retry-After"].flatMap { RetryAfter.delay($0, cap: .seconds(365 * 86_400)) }
        }
        switch result {
        case .success(let response) where response.status == 429:
            return .hostBusy(retryAfter: askedWait(response) ?? policy.backoff(beforeRetry: attempt + 1))
        case .success(let response) where response.status == 503:
            return .retryAfter(askedWait(response) ?? policy.backoff(beforeRetry: attempt + 1))
        case .success(let response) where response.status == 500 || response.status == 502 || response.status == 504:
            if let wait = askedWait(response) { return .retryAfter(wait) }
            return .transientFailure(latency: latency)
        case .success:
            return .success(latency: latency)
        case .failure(let error):
            return error.isTransient ? .transientFailure(latency: latency) : .permanentFailure
        }
    }

    /// Counts a URL's final result and parses its page when there is one
    /// (offering the requests it makes); returns what is to be written for it.
    /// `failure`: why a response is final although it asked for a retry (recorded in the page log and counted as an error).
    private func finish(
        _ entry: FrontierEntry, result: Result<Response, FetchError>, latency: Duration, request: CrawlRequest, plan: Recrawl.Plan?,
        failure: String? = nil
    ) async -> PageOutput {
        switch result {
        case .failure(let error):
            crawler.recordError(error.kind.rawValue)
            let failure = CrawlFailure(cause: .fetchFailed(error), request: request, url: entry.url, depth: entry.depth)
            let handled = await handleFailure(failure, entry: entry)
            let record = PageRecord(entry: entry, error: "\(error.kind.rawValue): \(error.message)", elapsed: latency)
            return PageOutput(record: record, items: handled.items)
        case .success(let response):
            let (page, change, revisit) = await recrawled(response, entry: entry, plan: plan) {
                await handle(response, request: request, entry: entry)
            }
            crawler.record { stats in
                stats.pages += 1
                stats.bytes += response.decodedBodyBytes
                stats.statuses[response.status, default: 0] += 1
                stats.maxDepth = max(stats.maxDepth, entry.depth)
                stats.linksFound += page.links ?? 0
            }
            crawler.metrics.countPage(status: response.status, bytes: response.decodedBodyBytes)
            if let failure { crawler.recordError(String(failure.prefix { $0 != ":" })) }
            var record = PageRecord(
                entry: entry, response: response, elapsed: latency, links: page.links, linksDropped: page.droppedLinks,
                error: failure, change: change)
            if crawler.settings.recordsOutlinks { record.outlinks = PageRecord.outlinks(of: page.found) }
            if page.rendered { record.rendered = true }
            return PageOutput(record: record, items: page.items, redirectTarget: page.redirectTarget, revisit: revisit)
        }
    }

    /// What handling one page gave.
    struct PageResult {
        /// Links found on the page (`nil`: it was not parsed for them).
        var links: Int?
        /// Links dropped: too long (as written or resolved) or over the page's link caps.
        var droppedLinks = 0
        /// Items scraped (after the pipelines), not yet written.
        var items: [any Encodable & Sendable] = []
        /// The fingerprint of the redirect target this page was handled as.
        var redirectTarget: UInt64?
        /// The requests it led to, as offered to the frontier.
        var found: [FrontierEntry] = []
        /// Whether the page was rendered through headless Chromium.
        var rendered = false
    }

    /// Whether anything reads the links of a page at `depth`: the settings
    /// (a link count, outlinks, a recrawl's stored links), the decision record
    /// (`--explain` tells a link over the depth limit from one never seen), a
    /// spider that reads them for more than following them, or a depth from
    /// which they can be followed.
    private func readsLinks(atDepth depth: Int) -> Bool {
        // Each setting read on its own: a copy of the whole settings retains every reference in them.
        crawler.settings.countsLinks || crawler.settings.recordsOutlinks || recrawl != nil || decisions != nil
            || depth < crawler.settings.maxDepth || !crawler.spider.readsLinksOnlyToFollow
    }

    /// Whether anything reads the body of a page at `depth`: its links
    /// (``readsLinks(atDepth:)``), a spider other than the built-in
    /// ``FollowAllSpider`` (which reads links only), a middleware, the
    /// renderer or the archive. A body nothing reads is counted, not kept, as
    /// `curl -o /dev/null` does: a list fetch holds no page in memory.
    private func readsBody(atDepth depth: Int) -> Bool {
        readsLinks(atDepth: depth) || !(crawler.spider is FollowAllSpider) || !crawler.middlewares.isEmpty || renderer != nil
            || archive != nil
    }

    /// Parses a response, runs the spider and feeds the requests it made back
    /// into the frontier; its items are returned, to be written with the page's record.
    private func handle(_ response: Response, request: CrawlRequest, entry: FrontierEntry) async -> PageResult {
        var result = PageResult()
        if !response.redirectChain.isEmpty, let final = CanonicalURL(response.finalURL, options: crawler.settings.canonicalization) {
            // The redirect's target counts as seen; if it was seen already, it is (or was) handled on its own.
            guard await frontier.markSeen(final.fingerprint) else { return result }
            result.redirectTarget = final.fingerprint
        }
        let parseStarted = ContinuousClock.now
        let (response, rendering) = await rendered(response, request: request, claimedHost: entry.hostKey)
        result.rendered = rendering != nil
        let readsLinks = readsLinks(atDepth: entry.depth)
        // A spider that only follows links never reads their text: it is not collected.
        let extracted =
            readsLinks
            ? PageLinks(
                of: response, settings: crawler.settings, sharedHrefs: crawler.resolvedHrefs,
                collectsAnchorText: !crawler.spider.readsLinksOnlyToFollow) : .unparsed
        result.links = readsLinks ? extracted.links.count : nil
        result.droppedLinks = extracted.dropped
        if extracted.dropped > 0 {
            crawler.record { stats in
                stats.linksTooLong += extracted.tooLong
                stats.linksOverPageCap += extracted.overPageCap
                if extracted.droppedBaseHref { stats.baseHrefsDropped += 1 }
            }
        }
        let page = CrawlResponse(
            response: response, request: request, depth: entry.depth, links: extracted.links, isHTML: extracted.isHTML,
            rendering: rendering)
        let output: SpiderOutput
        if errbackStatuses(of: request).contains(response.status) {
            output = await callErrback(
                CrawlFailure(cause: .status(response.status), request: request, url: entry.url, depth: entry.depth, response: page))
        } else {
            output = await callParse(page)
        }
        // Navigations the page's scripts tried are followed as links: robots.txt, scope and the seen-set decide.
        for navigation in rendering?.navigations ?? [] { output.follow(CrawlRequest(url: navigation)) }
        crawler.metrics.parseDuration.record(duration: ContinuousClock.now - parseStarted)
        let produced = await take(
            output, base: WebURL(response.finalURL), depth: entry.depth + 1, referrer: response.finalURL, parent: entry.fingerprint)
        result.items = produced.items
        result.found = produced.found
        return result
    }
}
