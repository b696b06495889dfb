import AsyncURL
import AsyncURLSupport
import LinkExtraction
import Rendering

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A fetched page as a spider sees it: the response, where it sits in the
/// crawl, its links, and selectors over its HTML.
public struct CrawlResponse: Sendable {
    /// The fetch core's response.
    public let response: Response
    /// The request that led here.
    public let request: CrawlRequest
    /// Links followed from a seed to reach it.
    public let depth: Int
    /// The links of the page (empty when it is not HTML), resolved, fragments stripped.
    public let links: [Link]
    /// Whether the body is HTML (by its `Content-Type`, else sniffed from its first bytes).
    public var isHTML: Bool {
        knownIsHTML ?? HTMLSniffer.isHTML(contentType: response.headers["Content-Type"], body: response.body)
    }
    /// ``isHTML`` when the crawl found it out already (it parses only HTML
    /// for links); `nil`: found out when asked, so a page nothing asks about costs nothing.
    private let knownIsHTML: Bool?
    /// The page as headless Chromium rendered it, when it was rendered
    /// (``CrawlSettings/rendering``): the body, links and selectors are then
    /// the rendered document's, the status and headers the fetched response's
    /// (with `Content-Type` saying `charset=utf-8`).
    public let rendering: RenderedPage?
    /// The page's document, parsed on the first selector call and shared by
    /// every later one (on this response and its copies).
    private let parsed = ParsedDocument()

    /// A page as the crawl hands it to a spider; `isHTML`: `nil` when the crawl did not find it out.
    init(response: Response, request: CrawlRequest, depth: Int, links: [Link], isHTML: Bool?, rendering: RenderedPage?) {
        self.response = response
        self.request = request
        self.depth = depth
        self.links = links
        self.knownIsHTML = isHTML
        self.rendering = rendering
    }

    /// The final URL.
    public var url: String { response.finalURL }
    /// The HTTP status.
    public var status: Int { response.status }
    /// The decoded body.
    public var body: Data { response.body }
    /// The body as text, decoded as the selectors' document is (the
    /// `Content-Type` charset, a byte order mark, a `<meta>` charset, else
    /// UTF-8; undefined bytes become U+FFFD).
    public var text: String { DocumentText.decode(response.body, contentType: response.headers["Content-Type"]).text }
    /// The request's meta values.
    public var meta: [String: String] { request.meta }

    /// The page parsed into a new document for XPath and CSS queries, owned
    /// by the caller (``xpath(_:)`` and ``css(_:)`` share one parse instead).
    /// - Throws: `SelectorError` when the body cannot be parsed.
    public func document() throws(SelectorError) -> HTMLDocument {
        try HTMLDocument(bytes: response.body, url: WebURL(response.finalURL), contentType: response.headers["Content-Type"])
    }

    /// The string values an XPath expression selects (text nodes, attributes, ...).
    /// - Parameter expression: the XPath expression.
    /// - Throws: `SelectorError` when the page cannot be parsed or the expression is invalid.
    public func xpath(_ expression: String) throws(SelectorError) -> [String] {
        try parsed.query(parse: document) { document throws(SelectorError) in try document.strings(xpath: expression) }
    }

    /// The text of the nodes a CSS selector selects.
    /// - Parameter selector: the CSS selector.
    /// - Throws: `SelectorError` when the page cannot be parsed or the selector is invalid.
    public func css(_ selector: String) throws(SelectorError) -> [String] {
        try parsed.query(parse: document) { document throws(SelectorError) in try document.css(selector).map(\.text) }
    }

    /// How many times the selectors parsed this page (0 or 1).
    package var documentParseCount: Int { parsed.parseCount }
}
