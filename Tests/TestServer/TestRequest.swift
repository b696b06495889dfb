/// One request as the test server received it.
public struct TestRequest: Sendable {
    /// The method token, for example `GET`.
    public var method: String
    /// The request target as sent (path and query).
    public var target: String
    /// The path part of the target (before `?`).
    public var path: String
    /// The raw query (after `?`), or an empty string.
    public var query: String
    /// The header fields in order.
    public var headers: [(name: String, value: String)]
    /// The request body (after any chunked decoding).
    public var body: [UInt8]
    /// When the request head was complete.
    public var arrival: ContinuousClock.Instant
    /// Which accepted connection carried it (1, 2, ...).
    public var connectionID: Int
    /// When the server began to write its response (after the route's handler
    /// returned): the client cannot have seen the response end before it.
    /// `nil` until then.
    public var answered: ContinuousClock.Instant?

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// How long after `earlier` was answered this request arrived (from
    /// `earlier`'s arrival while it is unanswered). A client that waits a delay
    /// between the end of one request and the start of the next shows at least
    /// that delay here, however loaded the machine: the server stamps the
    /// answer before the client can see it end, and the arrival after the
    /// client sent the request. Gaps between two arrivals have no such bound
    /// (a late stamp of the first shortens them).
    public func arrivalGap(after earlier: TestRequest) -> Duration {
        arrival - (earlier.answered ?? earlier.arrival)
    }

    /// The `Host` header.
    public var host: String? { header("Host") }

    /// The value of query parameter `name`, percent-decoded.
    public func queryValue(_ name: String) -> String? {
        queryBytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Decodes `%XX` escapes and `+` (as a space), keeping invalid escapes as they are.
    static func percentDecodedBytes(_ text: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte == 0x25, index + 2 < utf8.count, let high = hex(utf8[index + 1]), let low = hex(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte == 0x2B ? 0x20 : byte)
                index += 1
            }
        }
        return bytes
    }

    /// The percent-decoded bytes of query parameter `name` (for bodies that are not UTF-8).
    func queryBytes(_ name: String) -> [UInt8]? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return Self.percentDecodedBytes(parts[1])
        }
        return nil
    }
}
