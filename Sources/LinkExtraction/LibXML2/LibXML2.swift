// Process-wide libxml2 setup and the parser options every parse uses.
import CLibXML2

/// libxml2 settings shared by the streaming extractor and `HTMLDocument`.
enum LibXML2 {
    /// Runs `xmlInitParser()` once per process (a lazily initialised global `let` is
    /// initialised exactly once, thread-safely, by the Swift runtime).
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Makes sure libxml2's global state is initialised before a parser is created.
    static func ensureInitialized() {
        _ = initialized
    }

    /// HTML parser options: recover from errors, stay silent, no network, compact text
    /// nodes, ignore in-document encoding declarations (the encoding is chosen by
    /// `CharsetDetector` before parsing), and `XML_PARSE_HUGE` to lift the hard-coded
    /// limits (name/text lengths, nesting depth).
    static let htmlOptions: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
        | Int32(XML_PARSE_HUGE.rawValue)
}
