// A link found in an HTML document.

/// A link found in an HTML document, resolved to an absolute URL.
public struct Link: Sendable, Hashable, CustomStringConvertible {
    /// The absolute URL, fragment stripped (the `href` of `resolvedURL`).
    public let url: String
    /// The parsed absolute URL (no fragment).
    public let resolvedURL: WebURL
    /// Anchor text (`<a>`: its text with whitespace collapsed; `<area>`/`<img>`: `alt`),
    /// at most `LinkExtractionOptions.maxAnchorTextLength` characters.
    public let text: String
    /// Whether the element has `rel="nofollow"` (the page-level `<meta name=robots>`
    /// nofollow is reported separately in `LinkExtractionResult.isNofollowPage`).
    public let isNofollow: Bool
    /// The element name, lowercase (`a`, `area`, `link`, `iframe`, `frame`, `img`, `script`).
    public let tag: String
    /// The attribute the URL came from (`href` or `src`).
    public let attribute: String

    /// Creates a link.
    public init(resolvedURL: WebURL, text: String, isNofollow: Bool, tag: String, attribute: String) {
        self.url = resolvedURL.href
        self.resolvedURL = resolvedURL
        self.text = text
        self.isNofollow = isNofollow
        self.tag = tag
        self.attribute = attribute
    }

    /// `<tag attribute=url>`.
    public var description: String { "<\(tag) \(attribute)=\(url)\(isNofollow ? " nofollow" : "")>" }
}
