// One-shot link extraction with Scrapy-style filters.
import AsyncURLSupport
internal import CLibXML2

/// Extracts links from a whole response body and filters them like Scrapy's
/// `LinkExtractor`: allow/deny regular expressions, allowed/denied domains, denied file
/// extensions, restriction to XPath/CSS regions, schemes, and uniqueness.
///
/// Without `restrictXPaths`/`restrictCSS` the body goes through `StreamingLinkExtractor`
/// (SAX, no tree). With a restriction a tree is needed: the body is parsed into an
/// `HTMLDocument` and links are taken from the selected regions only (the document's
/// `<base href>` still applies).
public struct LinkExtractor: Sendable {
    /// What to collect and the per-page bounds.
    public var options: LinkExtractionOptions
    /// Keep only URLs matching at least one of these (when not empty).
    public var allow: [String] { allowPatterns.map(\.source) }
    /// Drop URLs matching any of these.
    public var deny: [String] { denyPatterns.map(\.source) }
    /// Keep only URLs whose host is one of these domains or a subdomain (when not empty).
    public var allowedDomains: [String]
    /// Drop URLs whose host is one of these domains or a subdomain.
    public var deniedDomains: [String]
    /// Drop URLs whose path ends in one of these extensions (lowercase, without dot).
    public var deniedExtensions: Set<String>
    /// Only take links inside nodes matched by these XPath expressions.
    public var restrictXPaths: [String]
    /// Only take links inside nodes matched by these CSS selectors.
    public var restrictCSS: [String]
    /// Keep only these schemes (lowercase).
    public var allowedSchemes: Set<String>
    /// Drop links whose canonical URL (`CanonicalizationOptions.minimal`) was already seen on the page.
    public var unique: Bool
    private let allowPatterns: [CompiledPattern]
    private let denyPatterns: [CompiledPattern]

    /// An allow or deny pattern that is not a valid regular expression (`invalid pattern "…": message`).
    public typealias PatternError = AsyncURLSupport.PatternError

    /// Extensions Scrapy-style crawlers skip: images, audio, video, archives, office
    /// documents and other binaries.
    public static let defaultDeniedExtensions: Set<String> = [
        // images
        "mng", "pct", "bmp", "gif", "jpg", "jpeg", "png", "pst", "psp", "tif", "tiff", "ai", "drw", "dxf", "eps", "ps",
        "svg", "cdr", "ico", "webp", "avif", "heic", "raw", "nef",
        // audio
        "mp3", "wma", "ogg", "wav", "ra", "aac", "mid", "au", "aiff", "flac", "m4a", "opus", "oga",
        // video
        "3gp", "asf", "asx", "avi", "mov", "mp4", "mpg", "qt", "rm", "swf", "wmv", "m4v", "m4a", "mkv", "webm", "flv",
        "mpeg",
        // office
        "xls", "xlsx", "ppt", "pptx", "pps", "doc", "docx", "odt", "ods", "odg", "odp", "pdf", "rtf", "csv",
        // archives
        "7z", "7zip", "bz2", "rar", "tar", "tgz", "gz", "xz", "zip", "zst", "jar", "cab", "iso", "dmg", "apk",
        // other
        "css", "exe", "bin", "rss", "msi", "deb", "rpm"
    ]

    /// Creates an extractor.
    ///
    /// - Throws: ``PatternError`` naming the first allow/deny pattern that does not compile.
    public init(
        options: LinkExtractionOptions = LinkExtractionOptions(),
        allow: [String] = [],
        deny: [String] = [],
        allowedDomains: [String] = [],
        deniedDomains: [String] = [],
        deniedExtensions: Set<String> = LinkExtractor.defaultDeniedExtensions,
        restrictXPaths: [String] = [],
        restrictCSS: [String] = [],
        allowedSchemes: Set<String> = ["http", "https"],
        unique: Bool = true
    ) throws(PatternError) {
        self.options = options
        self.allowPatterns = try CompiledPattern.compileAll(allow)
        self.denyPatterns = try CompiledPattern.compileAll(deny)
        self.allowedDomains = allowedDomains.map { $0.lowercased() }
        self.deniedDomains = deniedDomains.map { $0.lowercased() }
        self.deniedExtensions = Set(deniedExtensions.map { $0.lowercased() })
        self.restrictXPaths = restrictXPaths
        self.restrictCSS = restrictCSS
        self.allowedSchemes = allowedSchemes
        self.unique = unique
    }

    /// Links in `body` (the raw response bytes) of the document at `url`, filtered.
    ///
    /// - Parameters:
    ///   - body: the response body as received (any charset).
    ///   - url: the absolute URL the document was fetched at (its base, unless it has a `<base href>`).
    ///   - contentType: the response's `Content-Type` header value, for the charset.
    /// - Throws: `LinkExtractionError.invalidDocumentURL` when `url` is not absolute,
    ///   `LinkExtractionError.invalidRestrictXPath` when a restriction does not evaluate.
    public func extract<Body: Collection>(
        from body: Body, url: String, contentType: String?
    ) throws(LinkExtractionError) -> [Link] where Body.Element == UInt8 {
        try extractResult(from: body, url: url, contentType: contentType).links
    }

    /// Like `extract(from:url:contentType:)`, with the base URL, encoding, page-level
    /// nofollow and skip counters; `links` holds the filtered links.
    public func extractResult<Body: Collection>(
        from body: Body, url: String, contentType: String?
    ) throws(LinkExtractionError) -> LinkExtractionResult where Body.Element == UInt8 {
        guard let documentURL = WebURL(url) else { throw .invalidDocumentURL(url) }
        var result: LinkExtractionResult
        if restrictXPaths.isEmpty && restrictCSS.isEmpty {
            let extractor = StreamingLinkExtractor(documentURL: documentURL, contentType: contentType, options: options)
            extractor.feed(body)
            result = extractor.finish()
        } else {
            result = try extractFromRegions(Array(body), documentURL: documentURL, contentType: contentType)
        }
        result.links = filter(result.links)
        return result
    }

    /// Applies the filters to already extracted links.
    public func filter(_ links: [Link]) -> [Link] {
        var seen = Set<UInt64>()
        var kept: [Link] = []
        kept.reserveCapacity(links.count)
        for link in links where isAllowed(link.resolvedURL) {
            if unique {
                let fingerprint = CanonicalURL(link.resolvedURL).fingerprint
                guard seen.insert(fingerprint).inserted else { continue }
            }
            kept.append(link)
        }
        return kept
    }

    /// Whether `url` passes the scheme, domain, extension and pattern filters.
    public func isAllowed(_ url: WebURL) -> Bool {
        guard allowedSchemes.contains(url.scheme) else { return false }
        let host = url.host ?? ""
        if !allowedDomains.isEmpty && !allowedDomains.contains(where: { Self.host(host, isIn: $0) }) { return false }
        if deniedDomains.contains(where: { Self.host(host, isIn: $0) }) { return false }
        if let pathExtension = Self.pathExtension(of: url.path), deniedExtensions.contains(pathExtension) { return false }
        let href = url.href
        if !allowPatterns.isEmpty && !allowPatterns.contains(where: { $0.matches(href) }) {
            return false
        }
        if denyPatterns.contains(where: { $0.matches(href) }) { return false }
        return true
    }

    /// `host` equals `domain` or ends with `.domain`.
    static func host(_ host: String, isIn domain: String) -> Bool {
        host == domain || host.hasSuffix("." + domain)
    }

    /// The lowercase extension of the last path segment, if it has one.
    static func pathExtension(of path: String) -> String? {
        guard let lastSegment = path.split(separator: "/", omittingEmptySubsequences: false).last,
            let dot = lastSegment.lastIndex(of: "."), dot != lastSegment.startIndex
        else { return nil }
        let pathExtension = lastSegment[lastSegment.index(after: dot)...]
        return pathExtension.isEmpty ? nil : pathExtension.lowercased()
    }

    // MARK: Restricted regions (tree mode)

    private func extractFromRegions(
        _ body: [UInt8], documentURL: WebURL, contentType: String?
    ) throws(LinkExtractionError) -> LinkExtractionResult {
        let document: HTMLDocument
        do {
            document = try HTMLDocument(bytes: body, url: documentURL, contentType: contentType)
        } catch {
            // libxml2 returned no tree at all (out of memory): there are no links to report.
            return LinkCollector(documentURL: documentURL, options: options)
                .finish(encoding: "UTF-8", byteCount: body.count)
        }
        var collector = LinkCollector(documentURL: documentURL, options: options)
        var regions: [HTMLNode] = []
        do {
            if let base = try document.xpath("//base[@href]").first {
                collector.start(.base, url: base.attribute("href"), rel: nil, alt: nil, name: nil, content: nil)
            }
            for meta in try document.xpath("//meta[@name and @content]") {
                collector.start(
                    .meta, url: nil, rel: nil, alt: nil, name: meta.attribute("name"), content: meta.attribute("content"))
            }
        } catch {
            // Fixed, valid expressions: cannot fail.
        }
        for expression in restrictXPaths {
            do {
                regions += try document.xpath(expression)
            } catch {
                throw .invalidRestrictXPath(expression: expression, url: documentURL.href)
            }
        }
        for selector in restrictCSS {
            do {
                regions += try document.css(selector)
            } catch {
                throw .invalidRestrictXPath(expression: selector, url: documentURL.href)
            }
        }
        // Visit each selected element's subtree once, in document order of selection.
        var visited = Set<UnsafeMutableRawPointer>()
        for region in regions where region.kind == .element {
            collectLinks(under: region.pointer, into: &collector, visited: &visited, document: document)
        }
        return collector.finish(encoding: document.encoding, byteCount: body.count)
    }

    /// Iterative pre-order walk (deep trees cannot overflow the stack).
    private func collectLinks(
        under root: xmlNodePtr, into collector: inout LinkCollector, visited: inout Set<UnsafeMutableRawPointer>,
        document: HTMLDocument
    ) {
        var stack: [xmlNodePtr] = [root]
        while let node = stack.popLast() {
            guard node.pointee.type == XML_ELEMENT_NODE, visited.insert(UnsafeMutableRawPointer(node)).inserted else {
                continue
            }
            let element = HTMLNode(document: document, pointer: node)
            if let kind = ElementKind.recognize(element.name), kind != .base, kind != .meta, collector.isRelevant(kind) {
                collector.start(
                    kind, url: kind.urlAttribute.flatMap { element.attribute($0) }, rel: element.attribute("rel"),
                    alt: element.attribute("alt"), name: nil, content: nil)
                if kind == .anchor && options.collectsAnchorText {
                    let text = element.text
                    var copy = text
                    copy.withUTF8 { collector.appendText($0) }
                    collector.end(.anchor)
                }
            }
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let current = child {
                children.append(current)
                child = current.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
    }
}
