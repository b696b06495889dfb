// Resolution of link references against a document's base URL.

/// Resolves hrefs found in one document against its base URL, the way browsers do.
///
/// The base is parsed once; each `resolve` call runs the WHATWG parser on the reference
/// with that base and drops the fragment (links to the same document differ only there).
package struct URLResolver: Sendable {
    /// The base every reference is resolved against.
    public let base: WebURL
    /// The base taken apart once, the start of every relative reference's parts.
    private let baseParts: URLParser.Parts

    /// A resolver for `base`.
    public init(base: WebURL) {
        self.base = base
        baseParts = URLParser.Parts(copying: base)
    }

    /// A resolver for the absolute URL `baseURL`, or nil if it does not parse.
    public init?(baseURL: String) {
        guard let base = WebURL(baseURL) else { return nil }
        self.init(base: base)
    }

    /// `reference` resolved against the base, without fragment; nil when invalid.
    public func resolve(_ reference: String) -> WebURL? {
        URLParser.parse(reference, base: base, baseParts: baseParts)?.removingFragment
    }
}
