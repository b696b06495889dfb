// Translation of a common subset of CSS selectors to XPath 1.0.

/// Translates CSS selectors to XPath 1.0 expressions for libxml2's XPath engine.
///
/// Supported: type selectors and `*`; `#id`; `.class`; attribute selectors `[a]`,
/// `[a=v]`, `[a~=v]`, `[a^=v]`, `[a$=v]`, `[a*=v]`, `[a|=v]` (values quoted or bare);
/// `:first-child`, `:last-child`, `:only-child`, `:nth-child(an+b | odd | even)`;
/// combinators descendant (space), child `>`, adjacent `+`, general sibling `~`;
/// groups `a, b`; and, as in Scrapy/parsel, the pseudo-elements `::text` and
/// `::attr(name)` at the end of a selector. Everything else (escapes, `:not()`,
/// namespaces, other pseudo-classes) is rejected with `SelectorError.invalidCSS`.
public enum CSSSelector {
    /// The XPath expression equivalent to `selector`.
    public static func translate(_ selector: String) throws(SelectorError) -> String {
        var parser = Parser(selector)
        return try parser.parseGroup()
    }

    /// An XPath string literal for `value` (quotes handled with `concat()` when needed).
    static func literal(_ value: String) -> String {
        if !value.contains("'") { return "'\(value)'" }
        if !value.contains("\"") { return "\"\(value)\"" }
        let pieces = value.split(separator: "'", omittingEmptySubsequences: false).map { "'\($0)'" }
        return "concat(" + pieces.joined(separator: ", \"'\", ") + ")"
    }

    private struct Parser {
        let source: String
        let characters: [Character]
        var index = 0

        init(_ source: String) {
            self.source = source
            self.characters = Array(source)
        }

        var current: Character? { index < characters.count ? characters[index] : nil }

        func fail(_ reason: String) -> SelectorError {
            .invalidCSS(selector: source, reason: "\(reason) at offset \(index)")
        }

        mutating func skipSpaces() -> Bool {
            var skipped = false
            while let character = current, character.isWhitespace {
                index += 1
                skipped = true
            }
            return skipped
        }

        mutating func parseGroup() throws(SelectorError) -> String {
            var selectors: [String] = []
            repeat {
                _ = skipSpaces()
                selectors.append(try parseSelector())
                _ = skipSpaces()
                if current == "," { index += 1 } else { break }
            } while true
            guard current == nil else { throw fail("unexpected character \(current.map(String.init) ?? "")") }
            return selectors.joined(separator: " | ")
        }

        mutating func parseSelector() throws(SelectorError) -> String {
            var path = "descendant-or-self::" + (try parseCompound())
            while true {
                let hadSpace = skipSpaces()
                guard let character = current, character != "," else { break }
                if character == ":" && peek(1) == ":" {
                    path += try parsePseudoElement()
                    break
                }
                switch character {
                case ">":
                    index += 1
                    _ = skipSpaces()
                    path += "/" + (try parseCompound())
                case "+":
                    index += 1
                    _ = skipSpaces()
                    path += "/following-sibling::*[1]/self::" + (try parseCompound())
                case "~":
                    index += 1
                    _ = skipSpaces()
                    path += "/following-sibling::" + (try parseCompound())
                default:
                    guard hadSpace else { throw fail("unexpected character \(character)") }
                    path += "/descendant::" + (try parseCompound())
                }
            }
            return path
        }

        func peek(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }

        mutating func parsePseudoElement() throws(SelectorError) -> String {
            index += 2
            let name = try parseIdentifier()
            switch name.lowercased() {
            case "text":
                return "/text()"
            case "attr":
                guard current == "(" else { throw fail("::attr needs (name)") }
                index += 1
                _ = skipSpaces()
                let attribute = try parseIdentifier()
                _ = skipSpaces()
                guard current == ")" else { throw fail("missing ) after ::attr(") }
                index += 1
                return "/@" + attribute.lowercased()
            default:
                throw fail("unsupported pseudo-element ::\(name)")
            }
        }

        mutating func parseIdentifier() throws(SelectorError) -> String {
            var identifier = ""
            while let character = current,
                character.isLetter || character.isNumber || character == "-" || character == "_"
                    || (character.unicodeScalars.first.map { $0.value > 0x7F } ?? false)
            {
                identifier.append(character)
                index += 1
            }
            guard !identifier.isEmpty else { throw fail("expected a name") }
            return identifier
        }

        mutating func parseCompound() throws(SelectorError) -> String {
            var tag = "*"
            var conditions: [String] = []
            if current == "*" {
                index += 1
            } else if let character = current, character.isLetter || character == "_" {
                tag = try parseIdentifier().lowercased()
            }
            var parsedSomething = tag != "*" || (index > 0 && characters[index - 1] == "*")
            loop: while let character = current {
                switch character {
                case "#":
                    index += 1
                    conditions.append("@id = \(CSSSelector.literal(try parseIdentifier()))")
                case ".":
                    index += 1
                    let name = try parseIdentifier()
                    conditions.append(
                        "contains(concat(' ', normalize-space(@class), ' '), \(CSSSelector.literal(" \(name) ")))")
                case "[":
                    index += 1
                    conditions.append(try parseAttribute())
                case ":":
                    if peek(1) == ":" { break loop }
                    index += 1
                    conditions.append(try parsePseudoClass())
                default:
                    break loop
                }
                parsedSomething = true
            }
            guard parsedSomething else { throw fail("expected a selector") }
            return tag + conditions.map { "[\($0)]" }.joined()
        }

        mutating func parseAttribute() throws(SelectorError) -> String {
            _ = skipSpaces()
            let name = try parseIdentifier().lowercased()
            _ = skipSpaces()
            if current == "]" {
                index += 1
                return "@\(name)"
            }
            var op = ""
            if let character = current, "~^$*|".contains(character) {
                op.append(character)
                index += 1
            }
            guard current == "=" else { throw fail("expected = in attribute selector") }
            index += 1
            _ = skipSpaces()
            let value: String
            if let quote = current, quote == "\"" || quote == "'" {
                index += 1
                var text = ""
                while let character = current, character != quote {
                    text.append(character)
                    index += 1
                }
                guard current == quote else { throw fail("unterminated string") }
                index += 1
                value = text
            } else {
                value = try parseIdentifier()
            }
            _ = skipSpaces()
            guard current == "]" else { throw fail("expected ]") }
            index += 1
            let attribute = "@\(name)"
            let literal = CSSSelector.literal(value)
            switch op {
            case "": return "\(attribute) = \(literal)"
            case "~":
                return "\(attribute) and contains(concat(' ', normalize-space(\(attribute)), ' '), \(CSSSelector.literal(" \(value) ")))"
            case "^": return "\(attribute) and starts-with(\(attribute), \(literal))"
            case "$":
                return
                    "\(attribute) and substring(\(attribute), string-length(\(attribute)) - \(value.unicodeScalars.count - 1)) = \(literal)"
            case "*": return "\(attribute) and contains(\(attribute), \(literal))"
            default:
                return "\(attribute) and (\(attribute) = \(literal) or starts-with(\(attribute), \(CSSSelector.literal(value + "-"))))"
            }
        }

        mutating func parsePseudoClass() throws(SelectorError) -> String {
            let name = try parseIdentifier().lowercased()
            let position = "(count(preceding-sibling::*) + 1)"
            switch name {
            case "first-child": return "count(preceding-sibling::*) = 0"
            case "last-child": return "count(following-sibling::*) = 0"
            case "only-child": return "count(preceding-sibling::*) = 0 and count(following-sibling::*) = 0"
            case "nth-child":
                guard current == "(" else { throw fail(":nth-child needs an argument") }
                index += 1
                var argument = ""
                while let character = current, character != ")" {
                    if !character.isWhitespace { argument.append(character) }
                    index += 1
                }
                guard current == ")" else { throw fail("missing ) after :nth-child(") }
                index += 1
                guard let (a, b) = Self.parseNth(argument.lowercased()) else { throw fail("bad :nth-child argument") }
                if a == 0 { return "\(position) = \(b)" }
                let comparison = a > 0 ? ">=" : "<="
                return "\(position) \(comparison) \(b) and ((\(position) - \(b)) mod \(a)) = 0"
            default:
                throw fail("unsupported pseudo-class :\(name)")
            }
        }

        /// Parses `an+b`, `odd`, `even`, `b`, `n`, `-n+3`.
        static func parseNth(_ text: String) -> (Int, Int)? {
            if text == "odd" { return (2, 1) }
            if text == "even" { return (2, 0) }
            guard let nIndex = text.firstIndex(of: "n") else { return Int(text).map { (0, $0) } }
            let aText = String(text[..<nIndex])
            let bText = String(text[text.index(after: nIndex)...])
            let a: Int
            switch aText {
            case "", "+": a = 1
            case "-": a = -1
            default:
                guard let value = Int(aText) else { return nil }
                a = value
            }
            if bText.isEmpty { return (a, 0) }
            guard let b = Int(bText.hasPrefix("+") ? String(bText.dropFirst()) : bText) else { return nil }
            return (a, b)
        }
    }
}
