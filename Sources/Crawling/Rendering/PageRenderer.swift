import AsyncURL
import AsyncURLSupport
import Rendering

/// A crawl's renderer and the URL patterns that choose its pages.
struct PageRenderer: Sendable {
    let renderer: Renderer
    let rendersAll: Bool
    let patterns: [CompiledPattern]

    /// A renderer for the crawl, loading every request of its pages through `client`.
    init(_ rendering: CrawlRendering, client: FetchClient, userAgent: String) throws(CrawlError) {
        renderer = Renderer(settings: rendering.settings, client: client, userAgent: userAgent, attempts: rendering.attempts)
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
