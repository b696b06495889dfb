import ArgumentParser
import Crawling
import Rendering

/// The options that render JavaScript pages through headless Chromium.
struct RenderOptions: ParsableArguments {
    @Flag(
        name: .customLong("render"),
        help: "Render every HTML page through headless Chromium; the spider and the link extractor see the document its scripts built.")
    var rendersAll = false

    @Option(
        name: .customLong("render-pattern"),
        help: ArgumentHelp("Render the pages whose URL matches this regular expression (repeatable).", valueName: "regex"))
    var patterns: [String] = []

    @Option(
        name: .customLong("render-wait"),
        help: ArgumentHelp(
            "When a rendered page is done: load (its load event), idle or idle:MS (no request in flight for 500 or MS milliseconds after it), or selector:CSS.",
            valueName: "strategy"))
    var wait = "load"

    @Option(name: .customLong("render-tabs"), help: "Pages rendered at once (browser tabs, each reused).")
    var tabs = RenderSettings().tabs

    @Option(
        name: .customLong("render-timeout"),
        help: ArgumentHelp("The hard limit for rendering one page; near it the page is read as it is.", valueName: "seconds"))
    var timeout = 30.0

    @Option(
        name: .customLong("render-block"),
        help: ArgumentHelp(
            "Resource types never loaded by rendered pages, comma-separated: images, fonts, media, stylesheets, scripts.",
            valueName: "types"))
    var blocked = ""

    @Option(
        name: .customLong("render-max-requests"),
        help: "Requests one rendered page may make (scripts, XHR, styles, images); later ones fail.")
    var maxRequests = RenderSettings().maxRequestsPerPage

    @Option(
        name: .customLong("render-memory"),
        help: ArgumentHelp("The browser's resident memory (all its processes) past which it is restarted.", valueName: "MiB"))
    var memory = RenderSettings().maxBrowserMemory >> 20

    @Option(
        name: .customLong("render-screenshot"),
        help: ArgumentHelp(
            "Write a PNG screenshot of each rendered page into this directory (named after a hash of its URL).", valueName: "dir"))
    var screenshotDirectory: String?

    @Option(name: .customLong("browser"), help: ArgumentHelp("The Chromium binary.", valueName: "path"))
    var browser = RenderSettings().browserExecutable

    /// The DevTools resource types for each name `--render-block` takes.
    static let resourceTypes: [String: String] = [
        "images": "image", "fonts": "font", "media": "media", "stylesheets": "stylesheet", "scripts": "script"
    ]

    func validate() throws {
        guard RenderWait(parsing: wait) != nil else {
            throw ValidationError("--render-wait: '\(wait)' is not load, idle, idle:MILLISECONDS (0 to 60000) or selector:CSS")
        }
        guard tabs >= 1, tabs <= 64 else { throw ValidationError("--render-tabs must be between 1 and 64") }
        guard timeout >= 2, timeout <= 600 else { throw ValidationError("--render-timeout must be between 2 and 600 seconds") }
        guard maxRequests >= 0, memory >= 64 else {
            throw ValidationError("--render-max-requests must not be negative and --render-memory at least 64 MiB")
        }
        for name in blockedNames where Self.resourceTypes[name] == nil {
            throw ValidationError("--render-block: '\(name)' is not one of \(Self.resourceTypes.keys.sorted().joined(separator: ", "))")
        }
    }

    private var blockedNames: [String] {
        blocked.split(separator: ",").map { $0.filter { !$0.isWhitespace }.lowercased() }.filter { !$0.isEmpty }
    }

    /// Rendering settings for the crawl; `nil` when nothing is rendered.
    var rendering: CrawlRendering? {
        guard rendersAll || !patterns.isEmpty, let parsedWait = RenderWait(parsing: wait) else { return nil }
        let settings = RenderSettings(
            browserExecutable: browser, tabs: tabs, wait: parsedWait, pageTimeLimit: .milliseconds(Int64(timeout * 1000)),
            maxRequestsPerPage: maxRequests, blockedResourceTypes: Set(blockedNames.compactMap { Self.resourceTypes[$0] }),
            maxBrowserMemory: memory << 20, screenshotDirectory: screenshotDirectory)
        return CrawlRendering(settings: settings, rendersAll: rendersAll, patterns: patterns)
    }
}
