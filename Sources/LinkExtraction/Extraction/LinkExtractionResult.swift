// The outcome of extracting links from one document.

/// Links found in one document, with the base they were resolved against and counters
/// of what was skipped.
public struct LinkExtractionResult: Sendable {
    /// Links in document order (duplicates kept; `LinkExtractor` can make them unique).
    public var links: [Link]
    /// The URL the document was fetched from.
    public var documentURL: WebURL
    /// The base links were resolved against: the first `<base href>` resolved against
    /// the document URL, or the document URL.
    public var baseURL: WebURL
    /// The name of the character encoding the document was decoded with.
    public var encoding: String
    /// Whether `<meta name="robots">` says `nofollow` (or `none`).
    public var isNofollowPage: Bool
    /// Links skipped for their scheme (`javascript:`, `mailto:`, ...).
    public var skippedSchemeCount: Int
    /// Links skipped for being fragment-only (`#top`).
    public var skippedFragmentCount: Int
    /// Values that did not resolve to a valid URL, or were longer than the limit.
    public var invalidURLCount: Int
    /// Links beyond `LinkExtractionOptions.maxLinks` or `LinkExtractionOptions.maxLinkBytes`,
    /// counted but not kept.
    public var excessLinkCount: Int
    /// Links dropped for being longer than `LinkExtractionOptions.maxURLLength`, as written
    /// or once resolved (also counted in ``invalidURLCount``).
    public var tooLongURLCount: Int = 0
    /// Whether the first `<base href>` was ignored for being longer than
    /// `LinkExtractionOptions.maxURLLength` (as written or resolved); links were then
    /// resolved against the document URL, as for a `<base href>` that does not parse.
    public var droppedBaseHref: Bool = false
    /// Bytes of HTML fed to the parser.
    public var byteCount: Int
}
