import AsyncURL
import AsyncURLSupport
import Logging
import Rendering

/// A crawl's renderer and the URL patterns that choose its pages.
struct PageRenderer: Sendable {
    let renderer: Renderer
    let rendersAll: Bool
    let patterns: [CompiledPattern]

    /// A renderer for the crawl, loading every request of its pages through
    /// `client` with the crawl's per-host concurrency and delay, archiving
    /// them with `archiving` (a WARC archive's writer), reporting to `logger`.
    init(
        _ rendering: CrawlRendering, crawl settings: CrawlSettings, client: FetchClient, archiving: (@Sendable (Response) -> Void)?,
        logger: Logger
    ) throws(CrawlError) {
        var renderSettings = rendering.settings
        renderSettings.subresourcesPerHost = settings.perHostConcurrency
        renderSettings.subresourceDelay = settings.delay
        renderer = Renderer(
            settings: renderSettings, client: client, userAgent: settings.userAgent, attempts: rendering.attempts,
            archiving: archiving, logger: logger)
        rendersAll = rendering.rendersAll
        do {
            patterns = try CompiledPattern.compileAll(rendering.patterns)
        } catch {
            throw CrawlError.invalidSettings("rendering pattern: \(error)")
        }
    }

    /// Closes the browser and removes its profile; returns what the renderer did.
    func shutdown() async -> RenderCounters {
        let counters = await renderer.counters
        await renderer.shutdown()
        return counters
    }
}
