// Process-wide libxml2 setup and the parser options every parse uses.
internal import CLibXML2

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
    /// `CharsetDetector` before parsing). Never `XML_PARSE_HUGE`: libxml2 keeps its own
    /// limits on (names and text nodes of at most 10,000,000 bytes, bounded nesting), so a
    /// hostile page cannot make it hold more than those.
    static let htmlOptions: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)

    /// Options for building a tree (`HTMLDocument`): ``htmlOptions`` plus
    /// `XML_PARSE_HUGE`, without which libxml2 stops the whole parse at an element
    /// nested 256 deep, losing everything after it. Its memory is bounded instead
    /// by the input cap, `HTMLDocument.defaultMaxBytes` (the tree holds what the
    /// input holds).
    static let treeOptions: Int32 = htmlOptions | Int32(XML_PARSE_HUGE.rawValue)

    /// Hands `bytes` to a push parser in pieces that fit libxml2's `int` lengths:
    /// `parse(start, length, terminate)` runs once per piece (once with no bytes at
    /// all for an empty buffer), with `terminate` set on the last piece when
    /// `terminate` is. Stops early when `parse` returns `false`.
    static func pushInPieces(
        _ bytes: UnsafeRawBufferPointer, terminate: Bool, maxPiece: Int = 1 << 26,
        _ parse: (UnsafePointer<CChar>?, Int32, Int32) -> Bool
    ) {
        var offset = 0
        repeat {
            let length = min(maxPiece, bytes.count - offset)
            let isLast = offset + length >= bytes.count
            let start = bytes.baseAddress.map { $0.advanced(by: offset).assumingMemoryBound(to: CChar.self) }
            offset += length
            guard parse(start, Int32(length), (terminate && isLast) ? 1 : 0) else { return }
        } while offset < bytes.count
    }
}
