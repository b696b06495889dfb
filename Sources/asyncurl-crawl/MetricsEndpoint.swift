/// Where `--metrics` serves: `PORT` or `:PORT` (loopback, 127.0.0.1),
/// `HOST:PORT`, or `[IPV6]:PORT`. Any address other than loopback is bound
/// only when it is written out.
struct MetricsEndpoint: Equatable {
    /// The address or name bound.
    var host: String
    /// The port (0: one the system picks).
    var port: Int

    /// The address bound when none is given.
    static let defaultHost = "127.0.0.1"

    /// Parses `PORT`, `:PORT`, `HOST:PORT` or `[IPV6]:PORT`; `nil` when the
    /// text is none of them or the port is outside 0-65535.
    init?(_ text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            // An IPv6 address goes in brackets: `::1:9100` is ambiguous.
            guard !hostPart.contains(":") else { return nil }
        } else {
            hostPart = ""
            portPart = Substring(text)
        }
        guard !portPart.isEmpty, portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
            let port = Int(portPart), (0...65_535).contains(port)
        else { return nil }
        self.host = hostPart.isEmpty ? Self.defaultHost : String(hostPart)
        self.port = port
    }

    /// The metrics URL for `port` (the one bound, when ``port`` was 0).
    func url(port: Int) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)/metrics"
    }
}
