import ArgumentParser
import Crawling
import Rendering

/// The options of how a page is rendered through headless Chromium, shared
/// by `crawl` and `fetch`.
struct RenderPageOptions: ParsableArguments {
    @Flag(
        name: .customLong("render"),
        help: "Render HTML pages through headless Chromium; the spider and the link extractor see the document its scripts built.")
    var rendersAll = false

    @Option(
        name: .customLong("render-wait"),
        help: ArgumentHelp(
            "When a rendered page is done: load (its load event), idle or idle:MS (no request in flight for 500 or MS milliseconds after it), or selector:CSS.",
            valueName: "strategy"))
    var wait = "load"

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
        guard timeout >= 2, timeout <= 600 else { throw ValidationError("--render-timeout must be between 2 and 600 seconds") }
        guard maxRequests >= 0 else { throw ValidationError("--render-max-requests must not be negative") }
        for name in blockedNames where Self.resourceTypes[name] == nil {
            throw ValidationError("--render-block: '\(name)' is not one of \(Self.resourceTypes.keys.sorted().joined(separator: ", "))")
        }
    }

    private var blockedNames: [String] {
        blocked.split(separator: ",").map { $0.filter { !$0.isWhitespace }.lowercased() }.filter { !$0.isEmpty }
    }

    /// The render settings these options give, with `tabs` tabs and a browser memory limit of `memory` bytes.
    func settings(tabs: Int, memory: Int) -> RenderSettings {
        RenderSettings(
            browserExecutable: browser, tabs: tabs, wait: RenderWait(parsing: wait) ?? .load,
            pageTimeLimit: .milliseconds(Int64(timeout * 1000)), maxRequestsPerPage: maxRequests,
            blockedResourceTypes: Set(blockedNames.compactMap { Self.resourceTypes[$0] }), maxBrowserMemory: memory,
            screenshotDirectory: screenshotDirectory)
    }

    /// Rendering for `fetch`: the page rendered in one tab; `nil` without `--render`.
    var rendering: CrawlRendering? {
        rendersAll ? CrawlRendering(settings: settings(tabs: 1, memory: RenderSettings().maxBrowserMemory), rendersAll: true) : nil
    }
}
