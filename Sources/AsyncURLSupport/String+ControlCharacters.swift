extension StringProtocol {
    /// The text with its control characters removed, for writing text that
    /// came from a page or a server to a terminal or a log: C0 controls
    /// (U+0000–U+001F, ESC among them), DEL, C1 controls (U+0080–U+009F) and
    /// the bidirectional embedding, override and isolate controls
    /// (U+202A–U+202E, U+2066–U+2069), which can make a line read other than
    /// it is. A tab becomes a space; line feeds are kept only when
    /// `keepingLineFeeds` is set (text of several lines written by this program).
    package func removingControlCharacters(keepingLineFeeds: Bool = false) -> String {
        // Printable ASCII (most header values, every URL the crawl writes)
        // has none, and is told by its contiguous UTF-8 bytes.
        let isPrintableASCII = utf8.withContiguousStorageIfAvailable { !$0.contains { $0 < 0x20 || $0 >= 0x7F } } ?? false
        guard !isPrintableASCII, unicodeScalars.contains(where: { $0.isControlOrBidiControl }) else { return String(self) }
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == "\t" {
                result.append(" ")
            } else if scalar == "\n", keepingLineFeeds {
                result.append(scalar)
            } else if !scalar.isControlOrBidiControl {
                result.append(scalar)
            }
        }
        return String(result)
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is a C0 or C1 control, DEL, or a bidirectional formatting control.
    package var isControlOrBidiControl: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
