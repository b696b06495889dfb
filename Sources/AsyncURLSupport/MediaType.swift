/// A `Content-Type` value read once: its essence (`type/subtype`,
/// lower-cased), its `charset` parameter, and whether it names HTML.
///
/// The one reading of the header for the fetch core's `Response`, the
/// crawler's HTML sniffer and the charset detector. Parameters are split at
/// `;` and `=`, names compared ASCII case-insensitively, values trimmed of
/// spaces, tabs and quotes.
package struct MediaType: Sendable, Hashable {
    /// `type/subtype`, trimmed and lower-cased; empty when the value has none.
    package var essence: String
    /// The `charset` parameter as written (trimmed, unquoted, not lower-cased), if any.
    package var charsetLabel: String?

    /// Reads a `Content-Type` header value.
    /// - Parameter contentType: the header's value.
    package init(contentType: String) {
        var parts = contentType.split(separator: ";", omittingEmptySubsequences: false).makeIterator()
        essence = (parts.next().map { $0.trimmed(" \t") } ?? "").lowercased()
        charsetLabel = nil
        while let parameter = parts.next() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmed(" \t").equalsIgnoringASCIICase("charset") else { continue }
            charsetLabel = pair[1].trimmed(" \t\"'")
            break
        }
    }

    /// The `charset` parameter, lower-cased, if any.
    package var charset: String? { charsetLabel?.lowercased() }

    /// Whether the essence is HTML (`text/html`, or XHTML's `application/xhtml+xml`).
    package var isHTML: Bool { essence == "text/html" || essence == "application/xhtml+xml" }
}
