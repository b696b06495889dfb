// Link extraction while a response body streams in: libxml2's HTML push parser in SAX mode.
internal import CLibXML2

/// Extracts links from an HTML body fed in chunks, without building a tree or keeping
/// the body: a libxml2 HTML push parser (`htmlCreatePushParserCtxt`) with SAX callbacks
/// for element starts/ends and text.
///
/// Create one per response with the document URL and the `Content-Type` header value,
/// call `feed(_:)` with each chunk as it arrives (e.g. from the fetch core's write
/// callback), then `finish()` once. Links are resolved in `finish()`, because the first
/// `<base href>` of the document applies to every link, including those before it.
///
/// Encoding: the first chunk(s) are held back until 1024 bytes have arrived (or the
/// body ends) unless the header names a charset, so that a BOM or `<meta charset>` can
/// be found first (see `CharsetDetector`). A body in another encoding than UTF-8 is
/// decoded to UTF-8 by a `CharsetDecoder` before libxml2 sees it, so a byte the encoding
/// does not define becomes U+FFFD instead of ending the parse. Memory stays bounded by the
/// libxml2 parser's own working buffers plus at most `maxLinks` links; no document tree is built.
///
/// Threading: an instance is **not** thread-safe and not `Sendable`; use it from one
/// thread (or one task) at a time. It may move between threads between calls.
///
/// Ownership: the instance owns its `htmlParserCtxtPtr` and frees it exactly once (in
/// `finish()` or, if `finish()` was never called, in `deinit`). The SAX user-data pointer
/// is `Unmanaged.passUnretained(self)`: it is only dereferenced inside `htmlParseChunk`
/// calls made by `self`'s own methods, so `self` is always alive when a callback runs,
/// and the parser context never outlives `self`.
public final class StreamingLinkExtractor {
    private var collector: LinkCollector
    /// The collector's options, read here without an exclusive access to `collector` per element.
    private let options: LinkExtractionOptions
    private let contentType: String?
    private var context: htmlParserCtxtPtr? = nil
    /// Decodes a non-UTF-8 body before it reaches the parser (nil for UTF-8).
    private var decoder: CharsetDecoder? = nil
    private var heldBack: [UInt8] = []
    private var encoding: String? = nil
    private var byteCount = 0
    private var result: LinkExtractionResult? = nil
    private var parserUnavailable = false

    /// Creates an extractor for the document at `documentURL` with the response's
    /// `Content-Type` header value (nil if absent).
    /// - Parameters:
    ///   - documentURL: the document's URL.
    ///   - contentType: the response's `Content-Type` header value, if any.
    ///   - options: what is collected, and the bounds.
    ///   - sharedHrefs: hrefs resolved on earlier pages, shared by the pages of a crawl (none by default).
    public init(
        documentURL: WebURL, contentType: String?, options: LinkExtractionOptions = LinkExtractionOptions(),
        sharedHrefs: ResolvedHrefCache? = nil
    ) {
        LibXML2.ensureInitialized()
        self.collector = LinkCollector(documentURL: documentURL, options: options, sharedHrefs: sharedHrefs)
        self.options = options
        self.contentType = contentType
    }

    /// Creates an extractor for the document at the absolute URL `documentURL`.
    ///
    /// - Throws: `LinkExtractionError.invalidDocumentURL` when it does not parse.
    public convenience init(
        documentURL: String, contentType: String?, options: LinkExtractionOptions = LinkExtractionOptions()
    ) throws(LinkExtractionError) {
        guard let url = WebURL(documentURL) else { throw .invalidDocumentURL(documentURL) }
        self.init(documentURL: url, contentType: contentType, options: options)
    }

    deinit {
        if let context { htmlFreeParserCtxt(context) }
    }

    /// Feeds the next chunk of the body. Chunks after `finish()` are ignored.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard result == nil, bytes.count > 0 else { return }
        byteCount += bytes.count
        if context == nil && !parserUnavailable {
            if let contentType, CharsetDetector.charset(fromContentType: contentType) != nil {
                startParser(with: bytes)
                return
            }
            heldBack.append(contentsOf: bytes)
            if heldBack.count >= CharsetDetector.prescanLength {
                let prefix = heldBack
                heldBack = []
                prefix.withUnsafeBytes { startParser(with: $0) }
            }
            return
        }
        decodeAndPush(bytes, terminate: false)
    }

    /// Feeds the next chunk of the body from any byte collection.
    public func feed<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { feed(UnsafeRawBufferPointer($0)) }
        if handled == nil {
            Array(bytes).withUnsafeBytes { feed($0) }
        }
    }

    /// Ends the body, resolves the links and releases the parser. Calling it again
    /// returns the same result.
    public func finish() -> LinkExtractionResult {
        if let result { return result }
        if context == nil && !parserUnavailable {
            let prefix = heldBack
            heldBack = []
            prefix.withUnsafeBytes { startParser(with: $0) }
        }
        decodeAndPush(UnsafeRawBufferPointer(start: nil, count: 0), terminate: true)
        decoder = nil
        if let context {
            htmlFreeParserCtxt(context)
            self.context = nil
        }
        let finished = collector.finish(encoding: encoding ?? options.defaultEncoding, byteCount: byteCount)
        result = finished
        return finished
    }

    // MARK: Parser

    /// Chooses the encoding from the header and `prefix`, creates the push parser, and
    /// feeds `prefix` (without a BOM).
    private func startParser(with prefix: UnsafeRawBufferPointer) {
        let detected = CharsetDetector.detect(
            contentType: contentType, prefix: prefix, defaultEncoding: options.defaultEncoding)
        var sax = htmlSAXHandler()
        sax.startElement = { userData, name, attributes in
            guard let userData, let name else { return }
            Unmanaged<StreamingLinkExtractor>.fromOpaque(userData).takeUnretainedValue()
                .elementStarted(name, attributes)
        }
        if options.collectsAnchorText {
            // Without them, libxml2 reports no text and no element ends (it still parses the same way):
            // an element's end only matters to close an `<a>`'s text.
            sax.endElement = { userData, name in
                guard let userData, let name, let kind = ElementKind.recognize(name) else { return }
                Unmanaged<StreamingLinkExtractor>.fromOpaque(userData).takeUnretainedValue().collector.end(kind)
            }
            let characters: charactersSAXFunc = { userData, text, length in
                guard let userData, let text, length > 0 else { return }
                let extractor = Unmanaged<StreamingLinkExtractor>.fromOpaque(userData).takeUnretainedValue()
                guard extractor.collector.isCollectingText else { return }
                extractor.collector.appendText(UnsafeBufferPointer(start: text, count: Int(length)))
            }
            sax.characters = characters
            sax.ignorableWhitespace = characters
            // Script and style content arrives here (else as `characters`); it is not text and holds no links.
            sax.cdataBlock = { _, _, _ in }
        }
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard let context = htmlCreatePushParserCtxt(&sax, userData, nil, 0, nil, XML_CHAR_ENCODING_NONE) else {
            parserUnavailable = true
            return
        }
        self.context = context
        htmlCtxtUseOptions(context, LibXML2.htmlOptions)
        // The parser always reads UTF-8; other encodings are decoded on the way in.
        xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
        decoder = CharsetDecoder(encoding: detected.encoding)
        let encoding = decoder?.encoding ?? "UTF-8"
        self.encoding = encoding
        var body = prefix
        if let bom = CharsetDetector.byteOrderMark(in: prefix), bom.encoding == encoding {
            body = UnsafeRawBufferPointer(rebasing: prefix[bom.length...])
        }
        decodeAndPush(body, terminate: false)
    }

    /// Pushes `bytes` into the parser, through the decoder when the body is not UTF-8.
    private func decodeAndPush(_ bytes: UnsafeRawBufferPointer, terminate: Bool) {
        guard let decoder else {
            push(bytes, terminate: terminate)
            return
        }
        let decoded = decoder.decode(bytes, isFinal: terminate)
        decoded.withUnsafeBytes { push($0, terminate: terminate) }
    }

    /// Pushes bytes into the parser in pieces that fit libxml2's `int` sizes.
    private func push(_ bytes: UnsafeRawBufferPointer, terminate: Bool) {
        guard let context else { return }
        LibXML2.pushInPieces(bytes, terminate: terminate) { start, length, terminate in
            _ = htmlParseChunk(context, start, length, terminate)
            return true
        }
    }

    /// SAX start of an element: reads the attributes that matter, without allocating
    /// for elements that do not.
    fileprivate func elementStarted(
        _ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard let kind = ElementKind.recognize(name), options.collects(kind) else { return }
        let urlAttribute: StaticString = kind.urlAttribute == "src" ? "src" : "href"
        var url: UnsafePointer<xmlChar>? = nil
        var rel: String? = nil
        var alt: String? = nil
        var metaName: String? = nil
        var content: String? = nil
        if let attributes {
            var index = 0
            while let attributeName = attributes[index] {
                let value = attributes[index + 1]
                index += 2
                guard let value else { continue }
                switch kind {
                case .meta:
                    if ElementKind.equals(attributeName, "name") {
                        metaName = String(cString: value)
                    } else if ElementKind.equals(attributeName, "content") {
                        content = String(cString: value)
                    }
                default:
                    if url == nil, ElementKind.equals(attributeName, urlAttribute) {
                        url = value
                    } else if ElementKind.equals(attributeName, "rel") {
                        rel = String(cString: value)
                    } else if options.collectsAnchorText, ElementKind.equals(attributeName, "alt") {
                        alt = String(cString: value)
                    }
                }
            }
        }
        guard let url else { return collector.start(kind, urlBytes: nil, rel: rel, alt: alt, name: metaName, content: content) }
        // An ASCII value is used in place; other bytes go through `String`, which repairs invalid UTF-8.
        var length = 0
        var isASCII = true
        while url[length] != 0 {
            if url[length] >= 0x80 { isASCII = false }
            length += 1
        }
        if isASCII {
            let bytes = UnsafeBufferPointer(start: url, count: length)
            collector.start(kind, urlBytes: bytes, rel: rel, alt: alt, name: metaName, content: content)
        } else {
            collector.start(kind, url: String(cString: url), rel: rel, alt: alt, name: metaName, content: content)
        }
    }
}
