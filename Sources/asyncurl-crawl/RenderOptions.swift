import ArgumentParser
import Crawling
import Rendering

/// The options that render JavaScript pages of a crawl through headless
/// Chromium: how a page is rendered (``RenderPageOptions``), which pages, and
/// the browser's tabs and memory.
struct RenderOptions: ParsableArguments {
    @OptionGroup
    var page: RenderPageOptions

    @Option(
        name: .customLong("render-pattern"),
        help: ArgumentHelp("Render the pages whose URL matches this regular expression (repeatable).", valueName: "regex"))
    var patterns: [String] = []

    @Option(name: .customLong("render-tabs"), help: "Pages rendered at once (browser tabs, each reused).")
    var tabs = RenderSettings().tabs

    @Option(
        name: .customLong("render-memory"),
        help: ArgumentHelp("The browser's memory (all its processes) past which it is restarted.", valueName: "MiB"))
    var memory = RenderSettings().maxBrowserMemory >> 20

    func validate() throws {
        guard tabs >= 1, tabs <= 64 else { throw ValidationError("--render-tabs must be between 1 and 64") }
        guard memory >= 64 else { throw ValidationError("--render-memory must be at least 64 MiB") }
    }

    /// Rendering settings for the crawl; `nil` when nothing is rendered.
    var rendering: CrawlRendering? {
        guard page.rendersAll || !patterns.isEmpty else { return nil }
        return CrawlRendering(settings: page.settings(tabs: tabs, memory: memory << 20), rendersAll: page.rendersAll, patterns: patterns)
    }
}
