// The value of an XPath expression.

/// The result of evaluating an XPath expression: a node set, string, number or boolean.
public enum XPathValue {
    /// A node set, in document order.
    case nodes([HTMLNode])
    /// A string (e.g. `string(//title)`).
    case string(String)
    /// A number (e.g. `count(//a)`).
    case number(Double)
    /// A boolean (e.g. `boolean(//form)`).
    case boolean(Bool)

    /// The value as a string, following XPath's `string()` conversion for node sets
    /// (the string value of the first node, empty for an empty set).
    public var stringValue: String {
        switch self {
        case .nodes(let nodes): nodes.first?.text ?? ""
        case .string(let string): string
        case .number(let number):
            number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .boolean(let value): value ? "true" : "false"
        }
    }
}
