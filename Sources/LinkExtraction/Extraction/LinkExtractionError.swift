// Errors of link extraction.

/// Errors raised when setting up link extraction.
public enum LinkExtractionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The document URL given is not an absolute URL.
    case invalidDocumentURL(String)
    /// A `restrictXPaths` expression of a `LinkExtractor` did not compile or evaluate.
    case invalidRestrictXPath(expression: String, url: String)

    /// A readable explanation including the offending value.
    public var description: String {
        switch self {
        case .invalidDocumentURL(let url): "document URL is not an absolute URL: \(url)"
        case .invalidRestrictXPath(let expression, let url): "invalid restrict XPath \(expression) for \(url)"
        }
    }
}
