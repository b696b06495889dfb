/// Which hosts a ``HostSettingsRule`` applies to: one host name exactly, or
/// every host under a domain (`*.example.com`).
///
/// Host names are compared in lower case, without the port or the scheme: a
/// pattern applies to every port and both `http` and `https` of its hosts.
/// `*.example.com` matches `a.example.com` and `b.a.example.com`, not
/// `example.com` itself (add a rule for it too).
public struct HostPattern: Sendable, Hashable, CustomStringConvertible {
    /// The host name, or the domain after `*.`, in lower case.
    public let name: String
    /// Whether the pattern is `*.name` (any host under `name`).
    public let isSuffix: Bool

    /// Reads a pattern: `host`, `*.domain`, or an IP literal (`127.0.0.1`,
    /// `[::1]`); `nil` when it is empty or holds a character no host name has.
    /// - Parameter text: the pattern as written.
    public init?(_ text: String) {
        var text = Substring(text.lowercased())
        isSuffix = text.hasPrefix("*.")
        if isSuffix { text = text.dropFirst(2) }
        guard !text.isEmpty, !text.contains("*"),
            text.allSatisfy({ $0.isLetter || $0.isNumber || "-._:[]".contains($0) })
        else { return nil }
        name = String(text)
    }

    /// The pattern as written (`*.example.com` or `example.com`).
    public var description: String { isSuffix ? "*." + name : name }

    /// How specific the pattern is: an exact host beats every suffix pattern,
    /// and a longer suffix beats a shorter one.
    public var specificity: Int { isSuffix ? name.utf8.count : Int.max }

    /// Whether `hostName` (lower case, no port) is one of the pattern's hosts.
    /// - Parameter hostName: the host name to test.
    public func matches(hostName: some StringProtocol) -> Bool {
        guard isSuffix else { return hostName == name }
        return hostName.utf8.count > name.utf8.count + 1 && hostName.hasSuffix("." + name)
    }
}
