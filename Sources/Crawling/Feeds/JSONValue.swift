import AsyncURLSupport

/// A decoded JSON value, for turning an encoded item into CSV fields
/// without Foundation's `JSONSerialization`.
enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The text of a CSV field: strings as they are, numbers and booleans in
    /// JSON form, nested arrays and objects as compact JSON (sorted keys), null as empty.
    var fieldText: String {
        switch self {
        case .null: ""
        case .string(let text): text
        default: json
        }
    }

    /// Compact JSON with sorted keys.
    var json: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .number(let value): value.isFinite ? String(value) : "null"
        case .string(let text): jsonQuoted(text)
        case .array(let values): "[" + values.map(\.json).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { jsonQuoted($0) + ":" + (members[$0]?.json ?? "null") }.joined(separator: ",") + "}"
        }
    }
}
