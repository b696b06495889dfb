import AsyncURL
import AsyncURLSupport
import Logging

/// Renders pages through one headless Chromium, so spiders see the document
/// a browser builds with JavaScript.
///
/// The crawler fetches a page as usual (robots.txt, politeness, every guard)
/// and hands the response here: the browser gets it as the page's navigation
/// and never opens a connection itself. Each request of the page (scripts,
/// XHR, styles, images) is paused by the DevTools `Fetch` domain and fetched
/// through `FetchClient` with the crawl's address policy, time-outs and size
/// limits, or refused (``RenderSettings/blockedResourceTypes``, per-page caps,
/// schemes other than http and https). Navigations a script tries are not
/// followed but reported (``RenderedPage/navigations``) for the crawler to
/// queue. Downloads, popups and permission prompts are disabled; the browser
/// runs in a fresh profile directory removed afterwards.
///
/// A crashed or hung browser or tab is replaced and the page tried again, up
/// to ``attempts`` times in all.
public final class Renderer: Sendable {
    /// How pages are rendered.
    public let settings: RenderSettings
    /// Renders tried per page before it is given up (crashes and hangs only).
    public let attempts: Int
    private let pool: BrowserPool
    private let logger: Logger

    /// Creates a renderer; the browser starts with the first page.
    /// - Parameters:
    ///   - settings: the browser, tabs, wait strategy and bounds.
    ///   - client: the fetch core that loads every request of the pages.
    ///   - userAgent: the user agent pages see in `navigator.userAgent` (the
    ///     fetch core sends its own on the wire).
    ///   - attempts: renders tried per page after crashes or hangs. Default 3.
    ///   - archiving: called with every response a page's requests got, their
    ///     exchanges captured (`Request.capturesExchange`), for a WARC archive.
    ///   - logger: where refused requests of pages are reported.
    public convenience init(
        settings: RenderSettings = RenderSettings(), client: FetchClient, userAgent: String, attempts: Int = 3,
        archiving: (@Sendable (Response) -> Void)? = nil, logger: Logger = Logger(label: "AsyncURL.Renderer")
    ) {
        self.init(
            settings: settings, client: client, userAgent: userAgent, attempts: attempts, archiving: archiving, logger: logger,
            gate: HostGate(perHost: settings.subresourcesPerHost, delay: settings.subresourceDelay))
    }

    /// Creates a renderer whose pages' requests go through `gate`, which the
    /// crawler's own fetches go through too (one per-host accounting).
    package init(
        settings: RenderSettings, client: FetchClient, userAgent: String, attempts: Int,
        archiving: (@Sendable (Response) -> Void)?, logger: Logger, gate: any HostAccounting
    ) {
        self.settings = settings
        self.attempts = max(1, attempts)
        self.logger = logger
        let loader = SubresourceLoader(client: client, accounting: gate, observer: archiving, capturesExchanges: archiving != nil)
        pool = BrowserPool(settings: settings, loader: loader, userAgent: userAgent, logger: logger)
    }

    /// Renders a fetched page.
    /// - Parameters:
    ///   - url: the page's URL (the response's final URL).
    ///   - document: the crawler's response for it, served as the page's navigation.
    /// - Returns: the document as the browser left it.
    /// - Throws: ``RenderError`` after ``attempts`` crashed or hung renders, or at once for other failures.
    public func render(url: String, document: Response) async throws(RenderError) -> RenderedPage {
        var attempt = 1
        while true {
            let asked = ContinuousClock.now
            let (tab, instance) = try await pool.checkOut()
            do {
                let checkedOut = ContinuousClock.now
                let page = try await tab.render(url: url, document: document)
                let renderedAt = ContinuousClock.now
                await pool.checkIn(tab, of: instance, page: page, failure: nil)
                logger.debug(
                    "page done",
                    metadata: [
                        "url": "\(url)", "tab_wait_ms": "\((checkedOut - asked).flooredMilliseconds)",
                        "render_ms": "\((renderedAt - checkedOut).flooredMilliseconds)",
                        "check_in_ms": "\((ContinuousClock.now - renderedAt).flooredMilliseconds)"
                    ])
                return page
            } catch {
                await pool.checkIn(tab, of: instance, page: nil, failure: error)
                let retried = error.isRetryable && attempt < attempts
                await pool.record(error, retried: retried)
                guard retried else { throw error }
                attempt += 1
            }
        }
    }

    /// What the renderer did so far.
    public var counters: RenderCounters {
        get async { await pool.counters }
    }

    /// Closes the browser and removes its profile; later renders fail.
    public func shutdown() async {
        await pool.shutdown()
    }
}
