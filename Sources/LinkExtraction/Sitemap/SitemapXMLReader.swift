// XML sitemaps (urlset and sitemapindex) with libxml2's push parser in SAX2 mode.
import AsyncURLSupport
internal import CLibXML2

/// Reads an XML sitemap fed in chunks, without building a tree: a libxml2 push
/// parser (`xmlCreatePushParserCtxt`) with SAX2 callbacks.
///
/// Elements are matched by local name, so the sitemaps.org namespace, another
/// namespace or none at all read the same. `<loc>`, `<lastmod>`, `<changefreq>`
/// and `<priority>` count only as direct children of `<url>`/`<sitemap>` (an
/// extension's `<image:loc>` deeper down does not), and so does
/// `<xhtml:link rel="alternate" href>`.
///
/// Safety: no entity is ever expanded or loaded. The parser runs without
/// `XML_PARSE_NOENT`, `XML_PARSE_DTDLOAD` or `XML_PARSE_DTDATTR` and with
/// `XML_PARSE_NONET`; the SAX handler has no `internalSubset`, `externalSubset`
/// or `resolveEntity`, and its `getEntity`/`getParameterEntity` answer "not
/// declared" to every name (libxml2 still records a DTD's declarations on a
/// throw-away document, which is freed with the context, but never hands them
/// back), so a billion-laughs or external (XXE) reference contributes no text.
/// The text of one field is capped at ``SitemapParser/Limits/maxLocationLength``.
/// Errors are counted as ``SitemapIssue/malformedXML``; the parser recovers
/// where libxml2 can (`XML_PARSE_RECOVER`), and entries completed before a
/// fatal error are kept.
///
/// Ownership: the instance owns its parser context, and any `myDoc` libxml2
/// attached to it, and frees them exactly once (in `finish()` or, if that was
/// never called, in `deinit`). The SAX user data
/// is `Unmanaged.passUnretained(self)`, dereferenced only inside
/// `xmlParseChunk` calls made by `self`'s own methods. Not thread-safe.
final class SitemapXMLReader {
    private enum Field {
        case location, lastModified, changeFrequency, priority
    }

    private let collector: SitemapCollector
    private var context: xmlParserCtxtPtr?
    private var stopped = false
    private var depth = 0
    /// The entry being read (inside `<url>` or `<sitemap>`).
    private var entry: SitemapEntry?
    private var field: Field?
    private var text: [UInt8] = []
    private var textOverflowed = false

    init(collector: SitemapCollector) {
        LibXML2.ensureInitialized()
        self.collector = collector
    }

    deinit {
        if let context { Self.free(context) }
    }

    /// Frees the context and the document libxml2 may have hung on it: with a
    /// DTD declaring entities, it makes a "SAX compatibility" `myDoc` even in
    /// SAX mode, and `xmlFreeParserCtxt` leaves that to its caller.
    private static func free(_ context: xmlParserCtxtPtr) {
        if let document = context.pointee.myDoc {
            context.pointee.myDoc = nil
            xmlFreeDoc(document)
        }
        xmlFreeParserCtxt(context)
    }

    /// Parser options: recover, silent, no network; never `XML_PARSE_NOENT`/`DTDLOAD`/`DTDATTR`/`HUGE`.
    /// The document's `encoding="..."` declaration is ignored (`XML_PARSE_IGNORE_ENC`):
    /// sitemaps are UTF-8 by the protocol, and a declared label never reaches iconv.
    private static let options = Int32(
        XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_IGNORE_ENC.rawValue)

    /// Feeds the next chunk; returns `false` once the reader has stopped (limit reached or unknown root).
    func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !stopped else { return false }
        if context == nil {
            guard startParser() else { return false }
        }
        push(bytes, terminate: false)
        return !stopped
    }

    /// Ends the document (a truncated one counts as malformed) and releases the parser.
    /// `complete` is `false` when the input was cut at the size limit: the end is then not parsed.
    func finish(complete: Bool) {
        if complete && !stopped {
            if context == nil { _ = startParser() }
            push(UnsafeRawBufferPointer(start: nil, count: 0), terminate: true)
        }
        if let context {
            Self.free(context)
            self.context = nil
        }
    }

    // MARK: Parser

    private func startParser() -> Bool {
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { userData, localName, _, _, _, _, attributeCount, _, attributes in
            guard let userData, let localName else { return }
            Unmanaged<SitemapXMLReader>.fromOpaque(userData).takeUnretainedValue()
                .elementStarted(localName, attributeCount: Int(attributeCount), attributes: attributes)
        }
        sax.endElementNs = { userData, localName, _, _ in
            guard let userData, let localName else { return }
            Unmanaged<SitemapXMLReader>.fromOpaque(userData).takeUnretainedValue().elementEnded(localName)
        }
        let characters: charactersSAXFunc = { userData, bytes, length in
            guard let userData, let bytes, length > 0 else { return }
            Unmanaged<SitemapXMLReader>.fromOpaque(userData).takeUnretainedValue()
                .appendText(UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
        sax.characters = characters
        sax.cdataBlock = characters
        sax.ignorableWhitespace = characters
        // Entities: never declared, never looked up, never loaded.
        sax.getEntity = { _, _ in nil }
        sax.getParameterEntity = { _, _ in nil }
        sax.serror = { userData, error in
            guard let userData, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            Unmanaged<SitemapXMLReader>.fromOpaque(userData).takeUnretainedValue().collector.count(.malformedXML)
        }
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard let context = xmlCreatePushParserCtxt(&sax, userData, nil, 0, nil) else {
            collector.count(.malformedXML)
            stopped = true
            return false
        }
        self.context = context
        xmlCtxtUseOptions(context, Self.options)
        return true
    }

    /// Pushes bytes into the parser in pieces that fit libxml2's `int` sizes.
    private func push(_ bytes: UnsafeRawBufferPointer, terminate: Bool) {
        guard let context else { return }
        LibXML2.pushInPieces(bytes, terminate: terminate, maxPiece: 1 << 20) { start, length, terminate in
            _ = xmlParseChunk(context, start, length, terminate)
            return !stopped
        }
    }

    private func stop() {
        stopped = true
        if let context { xmlStopParser(context) }
    }

    // MARK: SAX events

    fileprivate func elementStarted(
        _ localName: UnsafePointer<xmlChar>, attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        depth += 1
        guard !stopped else { return }
        switch depth {
        case 1:
            if ElementKind.equals(localName, "urlset") {
                collector.kind = .urlSet
            } else if ElementKind.equals(localName, "sitemapindex") {
                collector.kind = .index
            } else {
                collector.count(.unknownRootElement)
                stop()
            }
        case 2:
            let container: StaticString = collector.kind == .urlSet ? "url" : "sitemap"
            if ElementKind.equals(localName, container) { entry = SitemapEntry(location: "") }
        case 3 where entry != nil:
            if ElementKind.equals(localName, "loc") {
                field = .location
            } else if ElementKind.equals(localName, "lastmod") {
                field = .lastModified
            } else if ElementKind.equals(localName, "changefreq") {
                field = .changeFrequency
            } else if ElementKind.equals(localName, "priority") {
                field = .priority
            } else if ElementKind.equals(localName, "link") {
                alternateLink(attributeCount: attributeCount, attributes: attributes)
            }
            text.removeAll(keepingCapacity: true)
            textOverflowed = false
        default:
            break
        }
    }

    fileprivate func elementEnded(_ localName: UnsafePointer<xmlChar>) {
        defer { depth -= 1 }
        guard !stopped else { return }
        if depth == 3, let field {
            self.field = nil
            let value = textOverflowed ? nil : String(decoding: text, as: UTF8.self)
            switch field {
            case .location:
                // An unusable <loc> drops its entry, counted once.
                if let value, let location = collector.location(value) {
                    entry?.location = location
                } else {
                    if value == nil { collector.count(.skippedLocation) }
                    entry = nil
                }
            case .lastModified:
                entry?.lastModified = value?.trimmingASCIIWhitespace()
            case .changeFrequency:
                entry?.changeFrequency = value?.trimmingASCIIWhitespace()
            case .priority:
                entry?.priority = value.flatMap { Double($0.trimmingASCIIWhitespace()) }.flatMap { (0...1).contains($0) ? $0 : nil }
            }
        } else if depth == 2, let finished = entry {
            entry = nil
            // An entry without <loc> is skipped and counted here (an invalid one was dropped when its <loc> ended).
            if finished.location.isEmpty {
                collector.count(.skippedLocation)
            } else if !collector.add(finished) {
                stop()
            }
        }
    }

    fileprivate func appendText(_ bytes: UnsafeBufferPointer<xmlChar>) {
        guard field != nil, !textOverflowed else { return }
        if text.count + bytes.count > collector.limits.maxLocationLength {
            textOverflowed = true
            text.removeAll()
        } else {
            text.append(contentsOf: bytes)
        }
    }

    /// `<xhtml:link rel="alternate" href="...">`: adds the `href` to the entry's alternates.
    private func alternateLink(attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard let attributes else { return }
        var rel: String?
        var href: String?
        // Five pointers per attribute: local name, prefix, URI, value start, value end.
        for index in 0..<attributeCount {
            guard let name = attributes[index * 5], let start = attributes[index * 5 + 3], let end = attributes[index * 5 + 4] else {
                continue
            }
            let value = String(decoding: UnsafeBufferPointer(start: start, count: start.distance(to: end)), as: UTF8.self)
            if ElementKind.equals(name, "rel") {
                rel = value
            } else if ElementKind.equals(name, "href") {
                href = value
            }
        }
        guard let rel, rel.split(separator: " ").contains(where: { $0.equalsIgnoringASCIICase("alternate") }), let href else { return }
        if let url = collector.location(href) { entry?.alternates.append(url) }
    }
}
