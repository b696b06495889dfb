import AsyncURLSupport

extension JSONValue {
    /// The value as one XML element named `name` on one line: text for
    /// strings, numbers and booleans, an empty element for null, a child
    /// element per member of an object (sorted by key; a key that is not an
    /// XML name is made one, and the key kept in a `key` attribute), a
    /// `<value>` child per entry of an array.
    /// - Parameters:
    ///   - name: the element's name (a valid XML name).
    ///   - key: the field name it came from, when that differs from `name`.
    ///   - redactsCredentials: remove URLs' userinfo from the text.
    func xmlElement(named name: String, key: String? = nil, redactsCredentials: Bool) -> String {
        let attribute = key.map { " key=\"\(XMLText.escaped($0, inAttribute: true))\"" } ?? ""
        let content: String
        switch self {
        case .null:
            return "<\(name)\(attribute)/>"
        case .string(let text):
            content = XMLText.escaped(redactsCredentials ? text.removingURLCredentials() : text)
        case .bool, .integer, .number:
            content = json
        case .array(let values):
            content = values.map { $0.xmlElement(named: "value", redactsCredentials: redactsCredentials) }.joined()
        case .object(let members):
            content = members.keys.sorted().map { key in
                let element = XMLText.elementName(for: key)
                return (members[key] ?? .null).xmlElement(
                    named: element, key: element == key ? nil : key, redactsCredentials: redactsCredentials)
            }.joined()
        }
        return "<\(name)\(attribute)>\(content)</\(name)>"
    }
}
