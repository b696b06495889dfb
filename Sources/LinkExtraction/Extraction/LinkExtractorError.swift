// Errors of LinkExtractor configuration.

/// Errors raised when configuring a `LinkExtractor`.
public enum LinkExtractorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An allow/deny regular expression does not compile.
    case invalidPattern(String, reason: String)

    /// A readable explanation including the pattern.
    public var description: String {
        switch self {
        case .invalidPattern(let pattern, let reason): "invalid link pattern \(pattern): \(reason)"
        }
    }
}
