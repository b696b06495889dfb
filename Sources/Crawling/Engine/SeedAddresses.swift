import AsyncURL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LinkExtraction
#if canImport(Glibc)
import Glibc
#endif

/// Decides a crawl's ``AsyncURL/AddressPolicy`` from its seeds: a crawl whose
/// seeds are all public stays on public addresses (so a page cannot send it
/// into the network it runs in); a crawl that starts at a loopback or private
/// address (a local crawl) may go anywhere.
enum SeedAddresses {
    /// At most this many seed hosts are resolved; the rest are judged by those.
    static let maxResolvedHosts = 32

    /// `.any` when some seed host is (or resolves to) a non-public address, `.publicOnly` otherwise.
    static func policy(forSeeds urls: [String]) async -> AddressPolicy {
        var hosts: [String] = []
        for url in urls {
            guard let host = WebURL(url)?.host, !hosts.contains(host) else { continue }
            hosts.append(host)
            if hosts.count == maxResolvedHosts { break }
        }
        for host in hosts {
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            if let literal = IPAddress(bare) {
                if !literal.isPublic { return .any }
                continue
            }
            if bare == "localhost" || bare.hasSuffix(".localhost") { return .any }
            let addresses = await Task.detached { resolve(bare) }.value
            if addresses.contains(where: { !$0.isPublic }) { return .any }
        }
        return .publicOnly
    }

    /// The host's addresses (blocking `getaddrinfo`, so it runs off the cooperative pool's hot path).
    private static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var node = list
        while let current = node {
            if let address = current.pointee.ai_addr, let ip = IPAddress(socketAddress: address, family: current.pointee.ai_family) {
                addresses.append(ip)
            }
            node = current.pointee.ai_next
        }
        return addresses
    }
}
