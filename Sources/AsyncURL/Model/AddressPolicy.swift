import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Which IP addresses a client may connect to, checked on the address
/// libcurl is about to connect to (after DNS, for every hop of a redirect),
/// so a hostname that resolves to an internal address is caught too. A
/// request that goes through a ``Request/proxy`` is checked on its URL's host
/// when that is an IP literal (or `localhost`) on every hop, so a proxy cannot be
/// used to reach a private literal address; a host name is resolved by the proxy,
/// which decides for those.
public struct AddressPolicy: Sendable {
    private let predicate: (@Sendable (IPAddress) -> Bool)?

    /// Any address. The default for the library.
    public static let any = AddressPolicy(predicate: nil)

    /// Public addresses only: loopback, private (RFC 1918, unique local),
    /// link-local, carrier-grade NAT, unspecified, multicast and reserved
    /// ranges (and their IPv4-mapped IPv6 forms) are refused before a
    /// connection is opened. For crawlers run as a service, so a public page
    /// cannot send them into the network they run in.
    public static let publicOnly = AddressPolicy(predicate: { $0.isPublic })

    /// The addresses for which `allows` says yes.
    public static func only(_ allows: @escaping @Sendable (IPAddress) -> Bool) -> AddressPolicy {
        AddressPolicy(predicate: allows)
    }

    /// Whether every address is allowed (nothing to check).
    public var allowsEverything: Bool { predicate == nil }

    /// Whether the policy lets a connection to `address` go.
    public func allows(_ address: IPAddress) -> Bool {
        predicate?(address) ?? true
    }

    /// Public addresses, and exactly the listed ones besides (a local crawl's own
    /// seeds: `127.0.0.1` lets `127.0.0.1` through, not `127.0.0.2` or `10.0.0.1`).
    /// An IPv4 address and its IPv4-mapped IPv6 form count as the same address.
    public static func publicOnly(allowing addresses: Set<IPAddress>) -> AddressPolicy {
        guard !addresses.isEmpty else { return .publicOnly }
        let allowed = Set(addresses.map(\.unmapped))
        return AddressPolicy(predicate: { $0.isPublic || allowed.contains($0.unmapped) })
    }

    /// The addresses a URL host given literally stands for: an IPv4 or IPv6
    /// literal (brackets allowed), or `localhost` and `*.localhost` (which libcurl
    /// resolves to loopback itself); `nil` for any other host name.
    public static func literalAddresses(ofHost host: String) -> [IPAddress]? {
        var bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.contains(":"), let zone = bare.firstIndex(of: "%") {
            // An IPv6 zone id (`fe80::1%eth0`, `%25eth0` in a URL) does not change the address.
            bare = String(bare[..<zone])
        }
        if let literal = IPAddress(bare) { return [literal] }
        let lower = bare.lowercased()
        let name = lower.hasSuffix(".") ? String(lower.dropLast()) : lower
        if name == "localhost" || name.hasSuffix(".localhost") {
            return [.v4(127, 0, 0, 1), .v6([UInt8](repeating: 0, count: 15) + [1])]
        }
        return nil
    }
}

/// An IPv4 or IPv6 address, as libcurl is about to connect to it.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address, in network order.
    case v4(UInt8, UInt8, UInt8, UInt8)
    /// An IPv6 address: its 16 bytes in network order.
    case v6([UInt8])

    /// Parses a numeric IPv4 or IPv6 address (`127.0.0.1`, `::1`); `nil` for anything else.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(ipv4NetworkOrder: v4.s_addr)
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self = .v6(withUnsafeBytes(of: v6) { Array($0) })
    }

    /// The address of an IPv4 or IPv6 socket address (`sockaddr_in`,
    /// `sockaddr_in6`) of the given family; `nil` for other families.
    public init?(socketAddress: UnsafeRawPointer, family: Int32) {
        switch family {
        case AF_INET:
            self.init(ipv4NetworkOrder: socketAddress.loadUnaligned(as: sockaddr_in.self).sin_addr.s_addr)
        case AF_INET6:
            self = .v6(withUnsafeBytes(of: socketAddress.loadUnaligned(as: sockaddr_in6.self).sin6_addr) { Array($0) })
        default:
            return nil
        }
    }

    /// An IPv4 address from `in_addr.s_addr` (network order).
    public init(ipv4NetworkOrder value: UInt32) {
        let bytes = withUnsafeBytes(of: value) { Array($0) }
        self = .v4(bytes[0], bytes[1], bytes[2], bytes[3])
    }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 address; others as they are.
    var unmapped: IPAddress {
        if case .v6(let bytes) = self, bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return .v4(bytes[12], bytes[13], bytes[14], bytes[15])
        }
        return self
    }

    /// Whether the address is reachable on the public internet (not in a
    /// special-purpose range that leads into a private network or the host itself).
    ///
    /// IPv6 forms that carry an IPv4 address are judged by it: IPv4-mapped
    /// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`),
    /// 6to4 (`2002::/16`, the IPv4 address in bits 16-47) and Teredo (`2001::/32`,
    /// both its server and its obfuscated client address). Reserved ranges that lead
    /// into a local network are not public: local-use NAT64 (`64:ff9b:1::/48`), the
    /// rest of `64:ff9b::/32`, site-local `fec0::/10`, unique local `fc00::/7`,
    /// link-local, multicast, discard-only `100::/64` and documentation `2001:db8::/32`.
    public var isPublic: Bool {
        switch self {
        case .v4(let a, let b, let c, _):
            switch a {
            case 0, 10, 127: return false  // "this network", private, loopback
            case 100 where b & 0xC0 == 64: return false  // 100.64.0.0/10 carrier-grade NAT
            case 169 where b == 254: return false  // link-local (cloud metadata services)
            case 172 where b & 0xF0 == 16: return false  // 172.16.0.0/12 private
            case 192 where b == 168: return false  // 192.168.0.0/16 private
            case 192 where b == 0 && c == 0: return false  // 192.0.0.0/24 protocol assignments
            case 192 where b == 0 && c == 2: return false  // 192.0.2.0/24 documentation
            case 198 where b & 0xFE == 18: return false  // 198.18.0.0/15 benchmarking
            case 198 where b == 51 && c == 100: return false  // 198.51.100.0/24 documentation
            case 203 where b == 0 && c == 113: return false  // 203.0.113.0/24 documentation
            case 224...255: return false  // multicast, reserved, broadcast
            default: return true
            }
        case .v6(let bytes):
            guard bytes.count == 16 else { return false }
            func embedded(_ at: Int, inverted: Bool = false) -> IPAddress {
                let mask: UInt8 = inverted ? 0xFF : 0
                return .v4(bytes[at] ^ mask, bytes[at + 1] ^ mask, bytes[at + 2] ^ mask, bytes[at + 3] ^ mask)
            }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return embedded(12).isPublic  // ::ffff:a.b.c.d IPv4-mapped
            }
            if bytes[0..<12].allSatisfy({ $0 == 0 }) {
                return embedded(12).isPublic  // ::a.b.c.d IPv4-compatible (:: and ::1 too)
            }
            if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B {
                // 64:ff9b::/96 NAT64 carries an IPv4 address; the rest of
                // 64:ff9b::/32 (64:ff9b:1::/48 among it) is for local use.
                return bytes[4..<12].allSatisfy({ $0 == 0 }) && embedded(12).isPublic
            }
            if bytes[0] == 0x20 && bytes[1] == 0x02 { return embedded(2).isPublic }  // 2002::/16 6to4
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x00 && bytes[3] == 0x00 {
                // 2001::/32 Teredo: the server's address, and the client's (inverted).
                return embedded(4).isPublic && embedded(12, inverted: true).isPublic
            }
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }  // 2001:db8::/32 documentation
            if bytes[0] == 0x01 && bytes[1..<8].allSatisfy({ $0 == 0 }) { return false }  // 100::/64 discard-only
            if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return false }  // fec0::/10 site-local
            if bytes[0] == 0xFF { return false }  // multicast
            return true
        }
    }

    /// The address in text form.
    public var description: String {
        switch self {
        case .v4(let a, let b, let c, let d):
            return "\(a).\(b).\(c).\(d)"
        case .v6(let bytes):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes.prefix(16)) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return "?" }
            return AsyncURLSupport.text(of: text)
        }
    }
}
