import AsyncURL
import AsyncURLSupport
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One tab of the browser, in a browser context of its own (its own cookies
/// and storage), reused for page after page. Every request the tab makes is
/// paused by the DevTools `Fetch` domain and answered by ``decide(_:in:)``:
/// the navigation gets the crawler's own response, other requests go through
/// the fetch core or are refused, and nothing reaches the network directly.
final class BrowserTab: Sendable {
    let targetID: String
    let sessionID: String
    private let contextID: String
    let connection: DevToolsConnection
    let settings: RenderSettings
    let loader: SubresourceLoader
    let logger: Logger
    let userAgent: String
    /// Sessions of the frames and workers the tab attached to (see `attach`), whose handlers go with the tab.
    let frameSessions = LockedState<Set<String>>([])
    private let job = LockedState<PageJob?>(nil)
    private let rendered = LockedState(0)

    private init(
        targetID: String, sessionID: String, contextID: String, connection: DevToolsConnection,
        settings: RenderSettings, loader: SubresourceLoader, userAgent: String, logger: Logger
    ) {
        self.logger = logger
        self.userAgent = userAgent
        self.targetID = targetID
        self.sessionID = sessionID
        self.contextID = contextID
        self.connection = connection
        self.settings = settings
        self.loader = loader
    }

    /// Opens a tab in a new browser context, with request interception,
    /// service workers disabled and dialogs dismissed.
    static func open(
        on connection: DevToolsConnection, settings: RenderSettings, loader: SubresourceLoader,
        userAgent: String, logger: Logger
    ) async throws(RenderError) -> BrowserTab {
        let timeout = settings.commandTimeout
        let context = try await connection.call(
            "Target.createBrowserContext", DevTools.CreateBrowserContext(),
            timeout: timeout, returning: DevTools.BrowserContextCreated.self
        ).browserContextId
        let target = try await connection.call(
            "Target.createTarget", DevTools.CreateTarget(url: "about:blank", browserContextId: context),
            timeout: timeout, returning: DevTools.TargetCreated.self
        ).targetId
        let session = try await connection.call(
            "Target.attachToTarget", DevTools.AttachToTarget(targetId: target),
            timeout: timeout, returning: DevTools.Attached.self
        ).sessionId
        let tab = BrowserTab(
            targetID: target, sessionID: session, contextID: context, connection: connection, settings: settings, loader: loader,
            userAgent: userAgent, logger: logger)
        connection.setHandler(session: session) { [tab] event in tab.handle(event, session: session) }
        try await connection.call("Page.enable", NoParameters(), session: session, timeout: timeout)
        try await connection.call("Page.setLifecycleEventsEnabled", DevTools.LifecycleEvents(), session: session, timeout: timeout)
        try await tab.guardSession(session)
        return tab
    }

    /// Puts a session of the tab (its page's, or an out-of-process iframe's)
    /// under the tab's guards: service workers gone, every request paused
    /// (``decide(_:in:)``), the crawl's user agent in the page, and the
    /// session's own iframes and workers attached the same way before they run.
    func guardSession(_ session: String) async throws(RenderError) {
        let timeout = settings.commandTimeout
        try await connection.call("Fetch.enable", DevTools.FetchEnable(), session: session, timeout: timeout)
        // Service workers: no API in any of the tab's documents, and none in the way of a request.
        try await connection.call(
            "Page.addScriptToEvaluateOnNewDocument", DevTools.ScriptOnNewDocument(source: Self.withoutServiceWorkers), session: session,
            timeout: timeout)
        try await connection.call("Network.setBypassServiceWorker", DevTools.BypassServiceWorker(), session: session, timeout: timeout)
        try await connection.call(
            "Network.setUserAgentOverride", DevTools.UserAgentOverride(userAgent: userAgent), session: session, timeout: timeout)
        try await connection.call("Target.setAutoAttach", DevTools.AutoAttach(), session: session, timeout: timeout)
    }

    /// Run in every document of a tab before its own scripts: removes
    /// `navigator.serviceWorker`, so a page cannot register a service worker
    /// (which would run outside the tab's request interception).
    static let withoutServiceWorkers = "delete Navigator.prototype.serviceWorker;"

    /// Runs `body` on the page being rendered; `nil` when there is none.
    @discardableResult
    func updateJob<Value>(_ body: (inout PageJob) -> Value) -> Value? {
        job.withLock { job in
            guard var current = job else { return nil }
            defer { job = current }
            return body(&current)
        }
    }

    /// Pages rendered in this tab so far.
    var pagesRendered: Int { rendered.withLock { $0 } }

    /// Whether the tab's renderer crashed while rendering.
    var hasCrashed: Bool { job.withLock { $0?.crashed ?? false } }

    /// Renders `document` (the crawler's response for `url`) and reads the
    /// document back once ``RenderSettings/wait`` is met or the time limit is near.
    func render(url: String, document: Response) async throws(RenderError) -> RenderedPage {
        let started = ContinuousClock.now
        let deadline = started + settings.pageTimeLimit
        job.withLock { $0 = PageJob(url: url, document: document, deadline: deadline) }
        rendered.withLock { $0 += 1 }
        defer { job.withLock { $0 = nil } }
        let navigated = try await connection.call(
            "Page.navigate", DevTools.Navigate(url: url), session: sessionID,
            timeout: settings.commandTimeout, returning: DevTools.Navigated.self)
        updateJob { $0.loaderID = navigated.loaderId }
        if let error = navigated.errorText, !error.isEmpty, !(job.withLock { $0?.documentServed ?? false }) {
            throw RenderError(.protocolError, detail: "navigation failed: \(error)", url: url)
        }
        let navigatedAt = ContinuousClock.now
        let completed = try await waitUntilRendered(deadline: deadline, url: url)
        let waitedAt = ContinuousClock.now
        // The size is checked in the page, so a huge document never crosses the pipe.
        let limit = settings.maxDocumentBytes
        let html = try await evaluate(
            "(() => { const h = document.documentElement ? document.documentElement.outerHTML : ''; return h.length > \(limit) ? '\\u{0}' + h.length : h })()",
            url: url)
        guard html.utf8.count <= limit, html.first != "\u{0}" else {
            throw RenderError(.documentTooLarge, detail: "the rendered document passed the limit of \(limit) bytes", url: url)
        }
        let screenshot = try await takeScreenshot(of: url)
        let state = job.withLock { $0 } ?? PageJob(url: url, document: document, deadline: deadline)
        logger.debug(
            "page rendered",
            metadata: [
                "url": "\(url)", "tab": "\(targetID.prefix(8))", "navigate_ms": "\((navigatedAt - started).flooredMilliseconds)",
                "wait_ms": "\((waitedAt - navigatedAt).flooredMilliseconds)",
                "read_ms": "\((ContinuousClock.now - waitedAt).flooredMilliseconds)"
            ])
        return RenderedPage(
            url: url, html: html, waitCompleted: completed, navigations: state.navigations,
            requestsMade: state.requestsMade, requestsBlocked: state.requestsBlocked, bytesLoaded: state.bytesLoaded,
            screenshot: screenshot)
    }

    /// Writes a PNG of the page into ``RenderSettings/screenshotDirectory``
    /// (named after a hash of the URL); returns its path, `nil` without a directory.
    private func takeScreenshot(of url: String) async throws(RenderError) -> String? {
        guard let directory = settings.screenshotDirectory else { return nil }
        let shot = try await connection.call(
            "Page.captureScreenshot", DevTools.CaptureScreenshot(), session: sessionID,
            timeout: settings.commandTimeout, returning: DevTools.Screenshot.self)
        guard let png = Data(base64Encoded: shot.data) else {
            throw RenderError(.protocolError, detail: "the screenshot was not base64", url: url)
        }
        let path = directory + "/" + Self.fileName(for: url) + ".png"
        guard FileManager.default.createFile(atPath: path, contents: png) else {
            throw RenderError(.protocolError, detail: "cannot write \(path)", url: url)
        }
        return path
    }

    /// A file name for a URL: its 64-bit FNV-1a hash in hex.
    static func fileName(for url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Leaves the page (its scripts and timers stop) for the next one.
    func reset() async throws(RenderError) {
        try await connection.call(
            "Page.navigate", DevTools.Navigate(url: "about:blank"), session: sessionID, timeout: settings.commandTimeout)
    }

    /// Closes the tab and disposes of its browser context (best effort: the browser may be gone).
    func close() async {
        connection.setHandler(session: sessionID, nil)
        for session in frameSessions.withLock({ $0 }) { connection.setHandler(session: session, nil) }
        try? await connection.call("Target.closeTarget", DevTools.Target(targetId: targetID), timeout: .seconds(5))
        try? await connection.call(
            "Target.disposeBrowserContext", DevTools.BrowserContext(browserContextId: contextID), timeout: .seconds(5))
    }

    /// Waits until the wait strategy is met: `true`; or until a second before
    /// the deadline: `false` (the document is read as it is). The job is looked
    /// at every 10 ms (a lock); a selector is looked for every 50 ms (a script in the page).
    private func waitUntilRendered(deadline: ContinuousClock.Instant, url: String) async throws(RenderError) -> Bool {
        let readBy = deadline - .seconds(1)
        let pause: Duration = if case .selector = settings.wait { .milliseconds(50) } else { .milliseconds(10) }
        while ContinuousClock.now < readBy {
            let state = job.withLock { $0 }
            if state?.crashed == true { throw RenderError(.tabCrashed, detail: "the page's renderer crashed", url: url) }
            if let state, state.loadFired, try await isWaitMet(state, url: url) { return true }
            try? await Task.sleep(for: pause)
            if Task.isCancelled { throw RenderError(.shutDown, detail: "the render was cancelled", url: url) }
            if let end = connection.end { throw RenderError(end.kind, detail: end.detail, url: url) }
        }
        return false
    }

    private func isWaitMet(_ state: PageJob, url: String) async throws(RenderError) -> Bool {
        switch settings.wait {
        case .load:
            return true
        case .networkIdle(let quiet):
            return state.isIdle(for: quiet, now: .now)
        case .selector(let css):
            let literal = String(decoding: (try? JSONEncoder().encode(css)) ?? Data("\"\"".utf8), as: UTF8.self)
            return try await evaluate("document.querySelector(\(literal)) !== null ? 'yes' : 'no'", url: url) == "yes"
        }
    }

    private func evaluate(_ expression: String, url: String) async throws(RenderError) -> String {
        let reply = try await connection.call(
            "Runtime.evaluate", DevTools.Evaluate(expression: expression), session: sessionID,
            timeout: settings.commandTimeout, returning: DevTools.Evaluated.self)
        return reply.result.value ?? ""
    }
}
