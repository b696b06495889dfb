import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import Logging
import Rendering

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A crawl's renderer and the URL patterns that choose its pages.
struct PageRenderer: Sendable {
    let renderer: Renderer
    let rendersAll: Bool
    let patterns: [CompiledPattern]
    /// Per-host concurrency and delay over every request of the crawl: the
    /// pages it fetches, their robots.txt and the rendered pages' own requests.
    /// With a shared frontier the rendered pages' requests take the frontier's
    /// slots instead (``accounting``), which its claims take for the pages.
    var gate: HostGate { accounting.gate }
    /// Where the rendered pages' requests take their place.
    let accounting: CrawlHostAccounting

    /// A renderer for the crawl, loading every request of its pages through
    /// `client` and ``gate`` (the crawl's per-host concurrency and delay, its
    /// host rules included), archiving them with `archiving` (a WARC archive's
    /// writer), reporting to `logger`.
    init(
        _ rendering: CrawlRendering, crawl settings: CrawlSettings, client: FetchClient, archiving: (@Sendable (Response) -> Void)?,
        logger: Logger
    ) throws(CrawlError) {
        var policy = PolitenessPolicy(
            maxConcurrencyPerHost: settings.perHostConcurrency, delay: settings.delay, autoThrottle: settings.autoThrottle)
        policy.hostSettings = settings.hostSettings
        let gate = HostGate(
            limits: { [policy] hostKey in
                let limits = policy.limits(forHost: hostKey)
                return (limits.maxConcurrency, limits.delay)
            },
            throttles: { [policy] hostKey in
                policy.limits(forHost: hostKey).autoThrottle.map { throttle in
                    HostGate.Throttle(startDelay: throttle.startDelay) { throttle.adjusted($0, latency: $1, succeeded: $2) }
                }
            })
        accounting = CrawlHostAccounting(gate: gate)
        renderer = Renderer(
            settings: rendering.settings, client: client, userAgent: settings.userAgent, attempts: rendering.attempts,
            archiving: archiving, logger: logger, gate: accounting)
        rendersAll = rendering.rendersAll
        do {
            patterns = try CompiledPattern.compileAll(rendering.patterns)
        } catch {
            throw CrawlError.invalidSettings("rendering pattern: \(error)")
        }
    }

    /// Whether the page of `request` (fetched from `url`) is rendered: the
    /// request's own choice, else the crawl's ``CrawlRendering`` settings.
    func rendersPage(of request: CrawlRequest, url: String) -> Bool {
        if let explicit = request.render { return explicit }
        return rendersAll || patterns.contains { $0.matches(url) }
    }

    /// Waits for a page fetch's turn at `host` in this process's gate; with a
    /// shared frontier (whose claim took the page's slot) records the start instead.
    func enterPageFetch(_ host: String) async {
        if let sharing = accounting.sharing { await sharing.markFetchStart(host) } else { await gate.enter(host) }
    }

    /// Counts a page fetch to `host` as done (see ``enterPageFetch(_:)``); its
    /// `latency` (`nil`: no response) moves the gate's AutoThrottle delay for the host.
    func leavePageFetch(_ host: String, latency: Duration?, succeeded: Bool) async {
        if accounting.sharing == nil { await gate.leave(host, latency: latency, succeeded: succeeded) }
    }

    /// Renders `response` when it is HTML answered with a 2xx status and
    /// `request` (or the settings) chooses it: the response with its body
    /// replaced by the document the browser built (UTF-8, so `Content-Type`
    /// says `charset=utf-8`; status and other headers as fetched), and the
    /// rendered page. `nil` when the page is not rendered. With a shared
    /// frontier, the slot of `claimedHost` the page's claim holds is set aside
    /// while it renders, for the requests of any page (see `HostSlotSharing`).
    func render(_ response: Response, request: CrawlRequest, claimedHost: String? = nil) async throws(RenderError) -> (
        Response, RenderedPage
    )? {
        guard (200..<300).contains(response.status), rendersPage(of: request, url: response.finalURL),
            HTMLSniffer.isHTML(contentType: response.headers["Content-Type"], body: response.body)
        else { return nil }
        let sharing = accounting.sharing
        var aside: HostSlot?
        if let sharing, let claimedHost { aside = await sharing.setClaimedSlotAside(claimedHost) }
        let rendered: Result<RenderedPage, RenderError>
        do {
            rendered = .success(try await renderer.render(url: response.finalURL, document: response))
        } catch {
            rendered = .failure(error)
        }
        if let aside { await sharing?.returnHostSlot(aside, latency: nil, succeeded: true) }
        let page = try rendered.get()
        var document = response
        document.body = Data(page.html.utf8)
        document.headers.replaceOrAdd(name: "Content-Type", value: "text/html; charset=utf-8")
        return (document, page)
    }

    /// Closes the browser and removes its profile; returns what the renderer did.
    func shutdown() async -> RenderCounters {
        let counters = await renderer.counters
        await renderer.shutdown()
        return counters
    }
}
