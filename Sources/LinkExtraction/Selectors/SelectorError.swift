// Errors of HTML parsing and selector evaluation.

/// Errors raised by `HTMLDocument` parsing and selector queries.
public enum SelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libxml2 could not produce a document (out of memory; malformed HTML is recovered from).
    case parseFailed(url: String?)
    /// The XPath expression does not compile or evaluate.
    case invalidXPath(String)
    /// The CSS selector is outside the supported subset or malformed; `reason` says where.
    case invalidCSS(selector: String, reason: String)

    /// A readable explanation including the offending value.
    public var description: String {
        switch self {
        case .parseFailed(let url): "libxml2 could not parse the document at \(url ?? "(no URL)")"
        case .invalidXPath(let expression): "invalid XPath expression: \(expression)"
        case .invalidCSS(let selector, let reason): "invalid CSS selector \(selector): \(reason)"
        }
    }
}
