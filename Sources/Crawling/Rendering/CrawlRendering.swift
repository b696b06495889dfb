import Rendering

/// Which pages of a crawl are rendered through headless Chromium, and how
/// (``CrawlSettings/rendering``).
///
/// A page is rendered when its request asks for it (``CrawlRequest/render``
/// `true`), or, when the request does not say, when ``rendersAll`` is set or its
/// URL matches one of ``patterns``. Only HTML answered with a 2xx status is
/// rendered. The spider then gets the document as the browser left it (links,
/// XPath and CSS work on it) with the original status and headers.
public struct CrawlRendering: Sendable {
    /// The browser, tabs, wait strategy and bounds.
    public var settings: RenderSettings
    /// Renders every HTML page.
    public var rendersAll: Bool
    /// Regular expressions (Swift `Regex` syntax) over the URL; a page whose URL
    /// matches one is rendered.
    public var patterns: [String]
    /// Renders tried per page after the browser or tab crashed or hung. Default 3.
    public var attempts: Int

    /// Creates rendering settings.
    /// - Parameters:
    ///   - settings: the browser, tabs, wait strategy and bounds.
    ///   - rendersAll: renders every HTML page.
    ///   - patterns: regular expressions over the URLs to render.
    ///   - attempts: renders tried per page after crashes or hangs.
    public init(settings: RenderSettings = RenderSettings(), rendersAll: Bool = false, patterns: [String] = [], attempts: Int = 3) {
        self.settings = settings
        self.rendersAll = rendersAll
        self.patterns = patterns
        self.attempts = attempts
    }
}
