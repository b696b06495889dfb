// An HTML document tree from libxml2, queried with XPath and CSS selectors.
internal import CLibXML2

/// A parsed HTML document (libxml2 tree) for spiders: XPath queries on libxml2's XPath
/// engine and CSS selectors translated to XPath.
///
/// The instance owns its `xmlDoc` and frees it exactly once, in `deinit`. Every
/// `HTMLNode` keeps a strong reference to its document, so nodes never outlive the tree.
/// Not thread-safe and not `Sendable`: use a document and its nodes from one thread or
/// task at a time.
public final class HTMLDocument {
    let document: xmlDocPtr
    /// The URL the document came from, if given.
    public let url: WebURL?
    /// The character encoding the document was decoded with.
    public let encoding: String

    /// Takes ownership of `document`.
    private init(document: xmlDocPtr, url: WebURL?, encoding: String) {
        self.document = document
        self.url = url
        self.encoding = encoding
    }

    /// The largest document parsed into a tree by default: 32 MiB. The tree parser
    /// runs without libxml2's nesting limit (which would end the parse at depth 256),
    /// so its memory is bounded by this cap on its input instead.
    public static let defaultMaxBytes = 32 << 20

    /// Parses `html` (bytes as received) from `url`, choosing the encoding from the
    /// `Content-Type` header, a BOM, `<meta charset>`, else UTF-8.
    ///
    /// - Throws: `SelectorError.tooLarge` for more than `maxBytes` bytes (or 2 GiB once
    ///   decoded); `SelectorError.parseFailed` only if libxml2 returns no document at all
    ///   (malformed HTML is recovered from).
    public convenience init(
        html: UnsafeRawBufferPointer, url: WebURL? = nil, contentType: String? = nil, maxBytes: Int = HTMLDocument.defaultMaxBytes
    ) throws(SelectorError) {
        let (document, encoding) = try Self.parse(html, url: url, contentType: contentType, maxBytes: maxBytes)
        self.init(document: document, url: url, encoding: encoding)
    }

    /// Parses `html` given as bytes.
    public convenience init<Bytes: Collection>(
        bytes html: Bytes, url: WebURL? = nil, contentType: String? = nil, maxBytes: Int = HTMLDocument.defaultMaxBytes
    ) throws(SelectorError) where Bytes.Element == UInt8 {
        guard html.count <= maxBytes else { throw .tooLarge(url: url?.href, bytes: html.count, limit: maxBytes) }
        let parsed = Array(html).withUnsafeBytes { buffer in
            Result { () throws(SelectorError) in try Self.parse(buffer, url: url, contentType: contentType, maxBytes: maxBytes) }
        }
        let (document, encoding) = try parsed.get()
        self.init(document: document, url: url, encoding: encoding)
    }

    /// Parses `html` given as a string (UTF-8).
    public convenience init(string html: String, url: WebURL? = nil, maxBytes: Int = HTMLDocument.defaultMaxBytes) throws(SelectorError) {
        try self.init(bytes: Array(html.utf8), url: url, contentType: "text/html; charset=utf-8", maxBytes: maxBytes)
    }

    deinit {
        xmlFreeDoc(document)
    }

    /// Runs libxml2's HTML parser; the caller owns the returned tree.
    private static func parse(
        _ html: UnsafeRawBufferPointer, url: WebURL?, contentType: String?, maxBytes: Int
    ) throws(SelectorError) -> (xmlDocPtr, String) {
        LibXML2.ensureInitialized()
        let limit = min(maxBytes, Int(Int32.max))
        guard html.count <= limit else { throw .tooLarge(url: url?.href, bytes: html.count, limit: limit) }
        let (decoded, body, encoding) = DocumentText.utf8Bytes(of: html, contentType: contentType)
        // Decoding can grow the text (up to 3 bytes for one): the cap holds for what libxml2 reads.
        if let decoded, decoded.count > limit { throw .tooLarge(url: url?.href, bytes: decoded.count, limit: limit) }
        let parsed: htmlDocPtr? =
            if let decoded {
                decoded.withUnsafeBytes { read($0, url: url) }
            } else {
                read(body, url: url)
            }
        guard let parsed else { throw .parseFailed(url: url?.href) }
        return (parsed, encoding)
    }

    /// Runs libxml2's HTML parser on UTF-8 `body`.
    private static func read(_ body: UnsafeRawBufferPointer, url: WebURL?) -> htmlDocPtr? {
        // libxml2 returns no document for an empty buffer; parse a lone space instead.
        guard let base = body.baseAddress, body.count > 0 else {
            return htmlReadMemory(" ", 1, url?.href, "UTF-8", LibXML2.treeOptions)
        }
        return htmlReadMemory(
            base.assumingMemoryBound(to: CChar.self), Int32(body.count), url?.href, "UTF-8", LibXML2.treeOptions)
    }

    /// The root element (`<html>`), nil for an empty document.
    public var root: HTMLNode? {
        xmlDocGetRootElement(document).map { HTMLNode(document: self, pointer: $0) }
    }

    /// Nodes selected by the XPath `expression` (elements, text nodes, attribute nodes).
    ///
    /// - Throws: `SelectorError.invalidXPath` for malformed expressions, or expressions
    ///   whose value is not a node set (use `evaluate(_:)` for those).
    public func xpath(_ expression: String) throws(SelectorError) -> [HTMLNode] {
        try select(expression, from: nil)
    }

    /// The value of the XPath `expression`: node set, string, number or boolean.
    public func evaluate(_ expression: String) throws(SelectorError) -> XPathValue {
        try evaluate(expression, from: nil)
    }

    /// Nodes matched by the CSS `selector` (see `CSSSelector` for the supported subset).
    public func css(_ selector: String) throws(SelectorError) -> [HTMLNode] {
        try select(try CSSSelector.translate(selector), from: nil)
    }

    /// String values of the nodes selected by `expression` (Scrapy's `getall()`).
    public func strings(xpath expression: String) throws(SelectorError) -> [String] {
        try xpath(expression).map(\.text)
    }

    // MARK: Evaluation

    func select(_ expression: String, from node: xmlNodePtr?) throws(SelectorError) -> [HTMLNode] {
        guard case .nodes(let nodes) = try evaluate(expression, from: node) else {
            throw .invalidXPath(expression)
        }
        return nodes
    }

    func evaluate(_ expression: String, from node: xmlNodePtr?) throws(SelectorError) -> XPathValue {
        guard let context = xmlXPathNewContext(document) else { throw .invalidXPath(expression) }
        defer { xmlXPathFreeContext(context) }
        // A structured error handler keeps libxml2 from printing XPath errors to stderr.
        context.pointee.error = { _, _ in }
        // Relative expressions need a context node; the document node stands in for "no node"
        // (xmlDoc starts with the same fields as xmlNode, and libxml2 casts it the same way).
        context.pointee.node = node ?? UnsafeMutableRawPointer(document).assumingMemoryBound(to: xmlNode.self)
        let object: xmlXPathObjectPtr? = expression.withCString { text in
            text.withMemoryRebound(to: xmlChar.self, capacity: expression.utf8.count + 1) {
                xmlXPathEvalExpression($0, context)
            }
        }
        guard let object else { throw .invalidXPath(expression) }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            var nodes: [HTMLNode] = []
            if let set = object.pointee.nodesetval, let table = set.pointee.nodeTab {
                let count = Int(set.pointee.nodeNr)
                nodes.reserveCapacity(count)
                for index in 0..<count {
                    // Namespace nodes are xmlNs records, not xmlNode; they are skipped.
                    guard let found = table[index], found.pointee.type != XML_NAMESPACE_DECL else { continue }
                    nodes.append(HTMLNode(document: self, pointer: found))
                }
            }
            return .nodes(nodes)
        case XPATH_STRING:
            return .string(object.pointee.stringval.map { String(cString: $0) } ?? "")
        case XPATH_NUMBER:
            return .number(object.pointee.floatval)
        case XPATH_BOOLEAN:
            return .boolean(object.pointee.boolval != 0)
        default:
            throw .invalidXPath(expression)
        }
    }
}
