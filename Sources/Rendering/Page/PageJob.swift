import AsyncURL

/// What a tab knows about the page it is rendering: the document to serve
/// for its navigation, the page's budget, and what happened so far.
struct PageJob: Sendable {
    /// The URL being rendered.
    let url: String
    /// The crawler's response for the URL, served to the browser as the main document.
    let document: Response
    /// When the per-page time limit runs out.
    let deadline: ContinuousClock.Instant
    var documentServed = false
    /// The navigation's document, once `Page.navigate` answered.
    var loaderID: String?
    /// The main frame's documents whose load event fired while this page was rendered.
    var loadedDocuments: Set<String> = []
    /// Whether this page's own document fired its load event.
    var loadFired: Bool { loaderID.map { loadedDocuments.contains($0) } ?? false }
    var crashed = false
    var inFlight = 0
    var lastActivity = ContinuousClock.now
    var requestsMade = 0
    var requestsBlocked = 0
    var bytesLoaded = 0
    var navigations: [String] = []

    init(url: String, document: Response, deadline: ContinuousClock.Instant) {
        self.url = url
        self.document = document
        self.deadline = deadline
    }

    /// Whether the network has been quiet for `quiet` (nothing in flight).
    func isIdle(for quiet: Duration, now: ContinuousClock.Instant) -> Bool {
        inFlight == 0 && now - lastActivity >= quiet
    }
}

/// How one paused request of a page is answered.
enum RequestDecision: Sendable {
    /// Serve the crawler's own response (the page's navigation).
    case serveDocument(Response)
    /// Fetch it through the fetch core with at most this many body bytes,
    /// waiting for its host's turn until the page's deadline at most.
    case fetch(maxBytes: Int, deadline: ContinuousClock.Instant)
    /// Refuse it with this DevTools error reason.
    case fail(String)
    /// A main-frame navigation away from the page: refused, and reported.
    case navigation
}
