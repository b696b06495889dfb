/// How pages are rendered through headless Chromium, and the bounds that
/// hold whatever a page's scripts do.
public struct RenderSettings: Sendable {
    /// The Chromium binary (Debian's `chromium` package installs `/usr/bin/chromium`).
    public var browserExecutable: String
    /// Extra command-line switches for the browser, after the built-in ones.
    public var extraBrowserArguments: [String]
    /// Tabs rendering at once; each is reused (and reset) between pages. Default 4.
    public var tabs: Int
    /// When a page counts as rendered.
    public var wait: RenderWait
    /// The hard limit for one page, from navigation to the document read back. Default 30 s.
    public var pageTimeLimit: Duration
    /// How long a DevTools command may go unanswered before the browser counts as hung. Default 20 s.
    public var commandTimeout: Duration
    /// Requests one page may make (its scripts, styles, images, XHR); later ones fail. Default 300.
    public var maxRequestsPerPage: Int
    /// Bytes of subresource bodies one page may load; later requests fail. Default 32 MiB.
    public var maxBytesPerPage: Int
    /// The largest rendered document read back (its serialized HTML). Default 16 MiB.
    public var maxDocumentBytes: Int
    /// Resource types never loaded (`image`, `font`, `media`, `stylesheet`, ... as the
    /// DevTools protocol names them, lowercased).
    public var blockedResourceTypes: Set<String>
    /// Memory of the browser's processes (their proportional set size) past
    /// which it is restarted once its pages are done, as last measured
    /// (see ``memoryCheckInterval``). Default 2 GiB.
    public var maxBrowserMemory: Int
    /// The least time between two measurements of the browser's memory, made
    /// in the background as pages finish. Default 2 s.
    public var memoryCheckInterval: Duration
    /// Pages a tab renders before it is replaced by a fresh one. Default 100.
    public var pagesPerTab: Int
    /// Where the browser's temporary profile directory is made.
    public var temporaryDirectory: String
    /// Requests of rendered pages to one host at once (a crawl sets its per-host concurrency). Default 2.
    public var subresourcesPerHost: Int
    /// The least time between two requests of rendered pages to one host (a crawl sets its delay). Default none.
    public var subresourceDelay: Duration
    /// Where a PNG screenshot of each rendered page is written, if anywhere.
    public var screenshotDirectory: String?

    /// Creates settings.
    /// - Parameters:
    ///   - browserExecutable: the Chromium binary.
    ///   - extraBrowserArguments: extra switches.
    ///   - tabs: tabs rendering at once.
    ///   - wait: when a page counts as rendered.
    ///   - pageTimeLimit: the hard limit for one page.
    ///   - commandTimeout: how long a DevTools command may go unanswered.
    ///   - maxRequestsPerPage: requests one page may make.
    ///   - maxBytesPerPage: subresource bytes one page may load.
    ///   - maxDocumentBytes: the largest rendered document read back.
    ///   - blockedResourceTypes: resource types never loaded.
    ///   - maxBrowserMemory: resident memory past which the browser is restarted.
    ///   - memoryCheckInterval: the least time between two measurements of the browser's memory.
    ///   - pagesPerTab: pages a tab renders before it is replaced.
    ///   - temporaryDirectory: where the profile directory is made.
    ///   - subresourcesPerHost: requests of rendered pages to one host at once.
    ///   - subresourceDelay: the least time between two such requests' starts.
    ///   - screenshotDirectory: where a PNG screenshot of each page is written.
    public init(
        browserExecutable: String = "/usr/bin/chromium",
        extraBrowserArguments: [String] = [],
        tabs: Int = 4,
        wait: RenderWait = .load,
        pageTimeLimit: Duration = .seconds(30),
        commandTimeout: Duration = .seconds(20),
        maxRequestsPerPage: Int = 300,
        maxBytesPerPage: Int = 32 << 20,
        maxDocumentBytes: Int = 16 << 20,
        blockedResourceTypes: Set<String> = [],
        maxBrowserMemory: Int = 2 << 30,
        memoryCheckInterval: Duration = .seconds(2),
        pagesPerTab: Int = 100,
        temporaryDirectory: String = "/tmp",
        subresourcesPerHost: Int = 2,
        subresourceDelay: Duration = .zero,
        screenshotDirectory: String? = nil
    ) {
        self.browserExecutable = browserExecutable
        self.extraBrowserArguments = extraBrowserArguments
        self.tabs = max(1, tabs)
        self.wait = wait
        self.pageTimeLimit = pageTimeLimit
        self.commandTimeout = commandTimeout
        self.maxRequestsPerPage = maxRequestsPerPage
        self.maxBytesPerPage = maxBytesPerPage
        self.maxDocumentBytes = maxDocumentBytes
        self.blockedResourceTypes = blockedResourceTypes
        self.maxBrowserMemory = maxBrowserMemory
        self.memoryCheckInterval = memoryCheckInterval
        self.pagesPerTab = max(1, pagesPerTab)
        self.temporaryDirectory = temporaryDirectory
        self.subresourcesPerHost = max(1, subresourcesPerHost)
        self.subresourceDelay = subresourceDelay
        self.screenshotDirectory = screenshotDirectory
    }
}
