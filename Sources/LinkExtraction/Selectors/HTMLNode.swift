// A node of an HTMLDocument.
internal import CLibXML2

/// A node of an `HTMLDocument`: an element, text, attribute or comment.
///
/// A node holds its document strongly, so the tree stays alive while the node exists.
/// Not `Sendable` (see `HTMLDocument`).
public struct HTMLNode {
    /// The document the node belongs to.
    public let document: HTMLDocument
    let pointer: xmlNodePtr

    /// The kinds of node a query can return.
    public enum Kind: Sendable, Hashable {
        /// An element such as `<a>`.
        case element
        /// A text node (from `text()`).
        case text
        /// An attribute (from `@name`).
        case attribute
        /// A comment.
        case comment
        /// Anything else (document node, CDATA, processing instruction, ...).
        case other
    }

    /// What kind of node this is.
    public var kind: Kind {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_TEXT_NODE: .text
        case XML_ATTRIBUTE_NODE: .attribute
        case XML_COMMENT_NODE: .comment
        default: .other
        }
    }

    /// The element or attribute name (lowercase for HTML), `#text` etc. for other nodes.
    public var name: String {
        switch kind {
        case .element, .attribute: pointer.pointee.name.map { String(cString: $0) } ?? ""
        case .text: "#text"
        case .comment: "#comment"
        case .other: ""
        }
    }

    /// The string value: all descendant text of an element, the value of an attribute,
    /// the content of a text node.
    public var text: String {
        HTMLNode.content(of: pointer)
    }

    /// The string value of `node`, read through an `xmlBuffer` this function owns
    /// (so no libxml2-allocated string has to be released with the global `xmlFree`).
    static func content(of node: xmlNodePtr) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeBufGetContent(buffer, node) == 0, let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// The value of attribute `name` of an element, nil when absent.
    public func attribute(_ name: String) -> String? {
        guard kind == .element, let attribute = xmlHasProp(pointer, name) else { return nil }
        return attribute.withMemoryRebound(to: xmlNode.self, capacity: 1) { HTMLNode.content(of: $0) }
    }

    /// All attributes of an element, in source order.
    public var attributes: [(name: String, value: String)] {
        guard kind == .element else { return [] }
        var result: [(String, String)] = []
        var attribute = pointer.pointee.properties
        while let current = attribute {
            let name = current.pointee.name.map { String(cString: $0) } ?? ""
            result.append((name, self.attribute(name) ?? ""))
            attribute = current.pointee.next
        }
        return result
    }

    /// Child elements, in order.
    public var children: [HTMLNode] {
        var result: [HTMLNode] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(HTMLNode(document: document, pointer: current)) }
            child = current.pointee.next
        }
        return result
    }

    /// The node serialized as HTML, as in the source (outer HTML for elements; no
    /// reformatting, UTF-8).
    public var html: String {
        guard let output = xmlAllocOutputBuffer(nil) else { return "" }
        // The output buffer is owned here and closed exactly once.
        defer { xmlOutputBufferClose(output) }
        htmlNodeDumpFormatOutput(output, document.document, pointer, "UTF-8", 0)
        xmlOutputBufferFlush(output)
        guard let content = xmlOutputBufferGetContent(output) else { return "" }
        return String(cString: content)
    }

    /// Nodes selected by the XPath `expression` with this node as the context node
    /// (use `.//a` for descendants; `//a` searches the whole document).
    public func xpath(_ expression: String) throws(SelectorError) -> [HTMLNode] {
        try document.select(expression, from: pointer)
    }

    /// The value of `expression` evaluated with this node as the context node.
    public func evaluate(_ expression: String) throws(SelectorError) -> XPathValue {
        try document.evaluate(expression, from: pointer)
    }

    /// Descendants (or self) matched by the CSS `selector`.
    public func css(_ selector: String) throws(SelectorError) -> [HTMLNode] {
        try document.select(try CSSSelector.translate(selector), from: pointer)
    }
}
