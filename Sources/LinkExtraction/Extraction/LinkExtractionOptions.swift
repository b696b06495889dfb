// What the HTML link collector looks at and the bounds it keeps.

/// What the link extractor collects, and the limits that keep hostile pages bounded.
public struct LinkExtractionOptions: Sendable, Hashable {
    /// Collect `img[src]` (off by default).
    public var includesImages: Bool
    /// Collect `script[src]` (off by default).
    public var includesScripts: Bool
    /// `rel` values that make a `link[href]` a link (any one of them suffices).
    public var linkRelations: Set<String>
    /// Schemes skipped (and counted): by default `javascript`, `mailto`, `tel`, `data`.
    public var skippedSchemes: Set<String>
    /// At most this many links are kept per page; further ones are only counted.
    public var maxLinks: Int
    /// Anchor text is cut to this many characters.
    public var maxAnchorTextLength: Int
    /// The longest URL kept, in bytes: an attribute value, the `<base href>`, or a link
    /// resolved against the base that is longer is dropped and counted
    /// (``LinkExtractionResult/tooLongURLCount``). Resolved lengths are bounded from the
    /// parts before a resolved string is built, so a long base cannot multiply.
    public var maxURLLength: Int
    /// At most this many bytes of links (URL plus anchor text) are kept per page, both
    /// while collecting and after resolution; further links are only counted (8 MiB by default).
    public var maxLinkBytes: Int
    /// Charset used when neither the HTTP header, a BOM nor a `<meta>` names one:
    /// `UTF-8` by default; a label or encoding name of the WHATWG Encoding Standard's
    /// table (anything else means windows-1252). Bytes that are not valid in it become
    /// U+FFFD. (A label that is given but not in the table means windows-1252.)
    public var defaultEncoding: String
    /// Collect anchor text (`Link/text`: an `<a>`'s text, an `<area>`'s or `<img>`'s
    /// `alt`); `true` by default. `false` leaves every link's text empty and skips the
    /// work: the parser then reports no text at all, which saves a callback per text
    /// node of the page. For callers that only follow links (a crawl whose spider reads
    /// links only to follow them). Text then takes no part in `maxLinkBytes` either.
    public var collectsAnchorText: Bool

    /// Creates options; the defaults suit crawling.
    public init(
        includesImages: Bool = false,
        includesScripts: Bool = false,
        linkRelations: Set<String> = ["alternate", "next", "prev", "canonical"],
        skippedSchemes: Set<String> = ["javascript", "mailto", "tel", "data"],
        maxLinks: Int = 100_000,
        maxAnchorTextLength: Int = 256,
        maxURLLength: Int = 32_768,
        maxLinkBytes: Int = 8 << 20,
        defaultEncoding: String = "UTF-8",
        collectsAnchorText: Bool = true
    ) {
        self.includesImages = includesImages
        self.includesScripts = includesScripts
        self.linkRelations = linkRelations
        self.skippedSchemes = skippedSchemes
        self.maxLinks = maxLinks
        self.maxAnchorTextLength = maxAnchorTextLength
        self.maxURLLength = maxURLLength
        self.maxLinkBytes = maxLinkBytes
        self.defaultEncoding = defaultEncoding
        self.collectsAnchorText = collectsAnchorText
    }
}

extension LinkExtractionOptions {
    /// Whether elements of `kind` matter under these options.
    @inline(__always)
    func collects(_ kind: ElementKind) -> Bool {
        switch kind {
        case .image: includesImages
        case .script: includesScripts
        default: true
        }
    }
}
