/// A regular expression compiled once from a user's pattern, searched for
/// anywhere in a text (an unanchored search, as Scrapy's `re.search`).
///
/// The one policy for a bad pattern: compiling throws ``PatternError``,
/// which names the pattern. Where a caller has no one to throw to (a
/// spider's overridable pattern lists), it counts the error and the pattern
/// never matches; it never crashes and is never taken as matching everything.
package struct CompiledPattern: @unchecked Sendable {
    // `Regex<AnyRegexOutput>` is not declared Sendable; it is immutable once
    // compiled, and matching only reads it.
    private let regex: Regex<AnyRegexOutput>

    /// The pattern as given.
    package let source: String

    /// Compiles `source`.
    /// - Parameter source: the regular expression, in Swift `Regex` syntax.
    /// - Throws: ``PatternError`` naming the pattern when it does not compile.
    package init(_ source: String) throws(PatternError) {
        do {
            regex = try Regex(source)
        } catch {
            throw PatternError(pattern: source, message: String(describing: error))
        }
        self.source = source
    }

    /// Compiles every pattern, in order.
    /// - Parameter sources: the regular expressions.
    /// - Throws: ``PatternError`` for the first one that does not compile.
    package static func compileAll(_ sources: [String]) throws(PatternError) -> [CompiledPattern] {
        var compiled: [CompiledPattern] = []
        compiled.reserveCapacity(sources.count)
        for source in sources {
            compiled.append(try CompiledPattern(source))
        }
        return compiled
    }

    /// Whether the pattern matches anywhere in `text`.
    /// - Parameter text: the text searched (a URL, usually).
    package func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}

/// A pattern that is not a valid regular expression.
public struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pattern as given.
    public var pattern: String
    /// What the regular-expression engine said.
    public var message: String

    /// Creates the error for `pattern`.
    /// - Parameters:
    ///   - pattern: the pattern as given.
    ///   - message: what the regular-expression engine said.
    public init(pattern: String, message: String) {
        self.pattern = pattern
        self.message = message
    }

    /// `invalid pattern "…": message`.
    public var description: String { "invalid pattern \"\(pattern)\": \(message)" }
}
