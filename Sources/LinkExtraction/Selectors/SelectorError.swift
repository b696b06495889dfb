// Errors of HTML parsing and selector evaluation.

/// Errors raised by `HTMLDocument` parsing and selector queries.
public enum SelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libxml2 could not produce a document (out of memory; malformed HTML is recovered from).
    case parseFailed(url: String?)
    /// The XPath expression does not compile or evaluate.
    case invalidXPath(String)
    /// The CSS selector is outside the supported subset or malformed; `reason` says where.
    case invalidCSS(selector: String, reason: String)
    /// The document is larger than the tree parser's input cap (`HTMLDocument.defaultMaxBytes` unless given).
    case tooLarge(url: String?, bytes: Int, limit: Int)

    /// A readable explanation including the offending value.
    public var description: String {
        switch self {
        case .parseFailed(let url): "libxml2 could not parse the document at \(url ?? "(no URL)")"
        case .invalidXPath(let expression): "invalid XPath expression: \(expression)"
        case .invalidCSS(let selector, let reason): "invalid CSS selector \(selector): \(reason)"
        case .tooLarge(let url, let bytes, let limit):
            "the document at \(url ?? "(no URL)") has \(bytes) bytes, more than the limit of \(limit) for a tree"
        }
    }
}
