// The link rules shared by the streaming (SAX) extractor and tree-based extraction.
import AsyncURLSupport

/// Collects link candidates element by element and resolves them at the end.
///
/// Resolution waits until the whole document is seen because the document base URL is
/// the first `<base href>` anywhere in the document, and it applies to links before it too.
struct LinkCollector {
    /// A link as found, before resolution.
    private struct Candidate {
        /// Where the href's bytes are in `hrefBytes` (valid UTF-8).
        var hrefStart: Int
        var hrefCount: Int
        /// The first byte of the href the URL parser does not strip (see `ResolvedHrefCache.firstSignificantByte(of:)`).
        var firstByte: UInt8?
        var text: [UInt8]
        var isNofollow: Bool
        var kind: ElementKind
    }

    let documentURL: WebURL
    let options: LinkExtractionOptions
    private var candidates: [Candidate] = []
    /// The candidates' hrefs one after another: no allocation per link.
    private var hrefBytes: [UInt8] = []
    private var baseHref: String? = nil
    /// Whether a `<base href>` was seen (only the first one counts).
    private var sawBaseHref = false
    /// Whether the first `<base href>` was too long to use.
    private var droppedBaseHref = false
    /// Bytes of hrefs and anchor text held, against `options.maxLinkBytes`.
    private var collectedBytes = 0
    private var openAnchor: Int? = nil
    private var anchorTextLimit: Int
    /// Whether `options.skippedSchemes` names `http` or `https` (almost never:
    /// an http(s) link is then kept without hashing its scheme into that set).
    private let skipsHTTPSchemes: Bool
    private(set) var isNofollowPage = false
    private(set) var excessLinkCount = 0
    private(set) var invalidURLCount = 0
    private(set) var tooLongURLCount = 0

    /// Hrefs resolved on earlier pages, shared across pages (see ``ResolvedHrefCache``).
    let sharedHrefs: ResolvedHrefCache?

    init(documentURL: WebURL, options: LinkExtractionOptions, sharedHrefs: ResolvedHrefCache? = nil) {
        self.documentURL = documentURL
        self.options = options
        self.sharedHrefs = sharedHrefs
        // Bytes kept while collecting; cut to characters at the end (4 bytes per character at most).
        self.anchorTextLimit = max(0, options.maxAnchorTextLength) * 4
        self.skipsHTTPSchemes = options.skippedSchemes.contains { $0.isHTTPScheme }
    }

    /// Whether elements of `kind` matter under the options.
    @inline(__always)
    func isRelevant(_ kind: ElementKind) -> Bool {
        options.collects(kind)
    }

    /// An element of `kind` started; the attribute values it has are given.
    ///
    /// - Parameters:
    ///   - url: the value of `kind.urlAttribute`, if present.
    ///   - rel: the `rel` attribute.
    ///   - alt: the `alt` attribute (text of `area`/`img`).
    ///   - name, content: for `<meta name=robots content=...>`.
    mutating func start(_ kind: ElementKind, url: String?, rel: String?, alt: String?, name: String?, content: String?) {
        guard var url else { return start(kind, urlBytes: nil, rel: rel, alt: alt, name: name, content: content) }
        url.withUTF8 { start(kind, urlBytes: $0, rel: rel, alt: alt, name: name, content: content) }
    }

    /// ``start(_:url:rel:alt:name:content:)`` with the URL attribute's value as valid UTF-8 bytes.
    mutating func start(
        _ kind: ElementKind, urlBytes url: UnsafeBufferPointer<UInt8>?, rel: String?, alt: String?, name: String?, content: String?
    ) {
        switch kind {
        case .base:
            guard !sawBaseHref, let url else { return }
            sawBaseHref = true
            if url.count <= options.maxURLLength {
                baseHref = String(decoding: url, as: UTF8.self)
            } else {
                droppedBaseHref = true
            }
            return
        case .meta:
            if let name, let content, name.trimmingASCIIWhitespace().equalsIgnoringASCIICase("robots") {
                let directives = content.lowercased().split { $0 == "," || $0 == " " }
                if directives.contains("nofollow") || directives.contains("none") { isNofollowPage = true }
            }
            return
        case .link:
            guard let rel, hasToken(in: rel, where: { options.linkRelations.contains($0) }) else { return }
        case .anchor:
            openAnchor = nil
        default:
            break
        }
        guard let url else { return }
        let length = url.count
        guard length <= options.maxURLLength else {
            invalidURLCount += 1
            tooLongURLCount += 1
            return
        }
        guard candidates.count < options.maxLinks, collectedBytes + length <= options.maxLinkBytes else {
            excessLinkCount += 1
            return
        }
        collectedBytes += length
        let isNofollow = rel.map { hasToken(in: $0) { $0 == "nofollow" } } ?? false
        var text: [UInt8] = []
        if kind == .area || kind == .image, options.collectsAnchorText, let alt {
            Self.appendCollapsed(alt.utf8, to: &text, limit: min(anchorTextLimit, options.maxLinkBytes - collectedBytes))
            collectedBytes += text.count
        }
        candidates.append(
            Candidate(
                hrefStart: hrefBytes.count, hrefCount: length, firstByte: url.first { $0 > 0x20 }, text: text,
                isNofollow: isNofollow, kind: kind))
        hrefBytes.append(contentsOf: url)
        if kind == .anchor && options.collectsAnchorText { openAnchor = candidates.count - 1 }
    }

    /// An element of `kind` ended.
    @inline(__always)
    mutating func end(_ kind: ElementKind) {
        if kind == .anchor { openAnchor = nil }
    }

    /// Whether text is currently being collected for an open `<a>`.
    @inline(__always)
    var isCollectingText: Bool { openAnchor != nil }

    /// Text inside the open `<a>`, if any; whitespace is collapsed and the total bounded.
    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let index = openAnchor else { return }
        let before = candidates[index].text.count
        let limit = min(anchorTextLimit, before + options.maxLinkBytes - collectedBytes)
        Self.appendCollapsed(bytes[...], to: &candidates[index].text, limit: limit)
        collectedBytes += candidates[index].text.count - before
    }

    /// Static, so that appending into `candidates[i].text` never copies `self`.
    /// Room is made once per call (doubling), and the last byte kept at hand.
    private static func appendCollapsed<C: Collection>(_ bytes: C, to text: inout [UInt8], limit: Int)
    where C.Element == UInt8 {
        guard text.count < limit, !bytes.isEmpty else { return }
        let needed = min(limit, text.count + bytes.count)
        if text.capacity < needed { text.reserveCapacity(max(needed, 2 * text.capacity)) }
        var last = text.last
        for byte in bytes {
            guard text.count < limit else { return }
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                if let previous = last, previous != 0x20 {
                    text.append(0x20)
                    last = 0x20
                }
            } else {
                text.append(byte)
                last = byte
            }
        }
    }

    /// Whether the space-separated, case-insensitive token list `list` has a token matching `predicate`.
    private func hasToken(in list: String, where predicate: (String) -> Bool) -> Bool {
        for token in list.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
        where predicate(token.lowercased()) {
            return true
        }
        return false
    }

    /// Resolves every candidate and builds the result.
    func finish(encoding: String, byteCount: Int) -> LinkExtractionResult {
        let (base, baseDropped) = resolvedBase()
        var tally = Tally(invalid: invalidURLCount, tooLong: tooLongURLCount, excess: excessLinkCount)
        var links: [Link] = []
        links.reserveCapacity(candidates.count)
        let resolver = URLResolver(base: base)
        // An href repeated on the page (the same navigation links) is resolved once,
        // and one seen on an earlier page of the same directory not at all.
        var resolved = ResolvedHrefs(shared: sharedHrefs, base: base)
        hrefBytes.withUnsafeBufferPointer { hrefs in
            for candidate in candidates {
                let href = UnsafeBufferPointer(rebasing: hrefs[candidate.hrefStart..<(candidate.hrefStart + candidate.hrefCount)])
                if let link = resolve(candidate, href: href, with: resolver, cache: &resolved, tally: &tally) { links.append(link) }
            }
        }
        resolved.giveBack()
        return LinkExtractionResult(
            links: links, documentURL: documentURL, baseURL: base, encoding: encoding, isNofollowPage: isNofollowPage,
            skippedSchemeCount: tally.skippedScheme, skippedFragmentCount: tally.skippedFragment, invalidURLCount: tally.invalid,
            excessLinkCount: tally.excess, tooLongURLCount: tally.tooLong, droppedBaseHref: droppedBaseHref || baseDropped,
            byteCount: byteCount)
    }

    /// What resolving the candidates skipped, and the bytes kept so far.
    private struct Tally {
        var invalid: Int
        var tooLong: Int
        var excess: Int
        var skippedScheme = 0
        var skippedFragment = 0
        var keptBytes = 0
    }

    /// The base links resolve against: the first `<base href>`, resolved against
    /// the document's URL, or that URL; and whether the `<base href>` was
    /// dropped for being over the URL length limit.
    private func resolvedBase() -> (base: WebURL, dropped: Bool) {
        guard let baseHref else { return (documentURL, false) }
        // The href is at most `maxURLLength` bytes, so resolving it builds a bounded string.
        if ResolvedLength.lowerBound(of: baseHref, against: documentURL) > options.maxURLLength { return (documentURL, true) }
        guard let resolved = WebURL(baseHref, relativeTo: documentURL), !resolved.hasOpaquePath else { return (documentURL, false) }
        return resolved.href.utf8.count <= options.maxURLLength ? (resolved, false) : (documentURL, true)
    }

    /// One candidate resolved against `base`, or `nil` (counted in `tally`)
    /// when it is fragment-only, invalid, of a skipped scheme, too long or over the page's byte cap.
    private func resolve(
        _ candidate: Candidate, href: UnsafeBufferPointer<UInt8>, with resolver: URLResolver, cache: inout ResolvedHrefs,
        tally: inout Tally
    ) -> Link? {
        // `#...` after the leading spaces: the page itself.
        if candidate.firstByte == UInt8(ascii: "#") {
            tally.skippedFragment += 1
            return nil
        }
        let found: WebURL?
        let place = cache.place(of: href, firstByte: candidate.firstByte)
        if let cached = cache[place, href] {
            found = cached
        } else {
            // The only String made of the href: when it is resolved. Its key, without the
            // fragment, resolves alike (see `ResolvedHrefCache.key(for:)`), and builds one URL, not two.
            let reference = String(decoding: UnsafeBufferPointer(rebasing: href[..<place.keyLength]), as: UTF8.self)
            // Checked from the parts first: a resolved string over the limit is never built.
            guard ResolvedLength.lowerBound(of: reference, against: resolver.base) <= options.maxURLLength else {
                tally.invalid += 1
                tally.tooLong += 1
                return nil
            }
            found = resolver.resolve(reference)
            cache[place, href] = found
        }
        guard let url = found else {
            tally.invalid += 1
            return nil
        }
        if skipsHTTPSchemes || !url.hasHTTPScheme, options.skippedSchemes.contains(url.scheme) {
            tally.skippedScheme += 1
            return nil
        }
        let length = url.href.utf8.count
        guard length <= options.maxURLLength else {
            tally.invalid += 1
            tally.tooLong += 1
            return nil
        }
        guard tally.keptBytes + length + candidate.text.count <= options.maxLinkBytes else {
            tally.excess += 1
            return nil
        }
        tally.keptBytes += length + candidate.text.count
        return Link(
            resolvedURL: url, text: anchorText(candidate.text), isNofollow: candidate.isNofollow,
            tag: candidate.kind.tagName, attribute: candidate.kind.urlAttribute ?? "")
    }

    /// Trimmed, cut to the character limit; invalid UTF-8 is replaced.
    private func anchorText(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        var text = String(decoding: bytes, as: UTF8.self)
        // Never more characters than bytes: only a longer text is counted (`count` walks graphemes).
        if bytes.count > options.maxAnchorTextLength, text.count > options.maxAnchorTextLength {
            text = String(text.prefix(options.maxAnchorTextLength))
        }
        return text.trimmingASCIIWhitespace()
    }
}
