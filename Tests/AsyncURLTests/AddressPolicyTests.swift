import AsyncURL
import Foundation
import Testing
import TestServer

/// `AddressPolicy.publicOnly`: connections into loopback and private ranges refused.
@Suite("Address policy")
struct AddressPolicyTests {
    @Test("Special-purpose addresses are not public", arguments: [
        "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.0.8",
        "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
    ])
    func notPublic(address: String) throws {
        let ip = try #require(IPAddress(address))
        #expect(!ip.isPublic)
        #expect(!AddressPolicy.publicOnly.allows(ip))
        #expect(AddressPolicy.any.allows(ip))
    }

    @Test("Ordinary addresses are public", arguments: [
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
        "2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
    ])
    func isPublic(address: String) throws {
        #expect(try #require(IPAddress(address)).isPublic)
    }

    @Test("Not an address", arguments: ["localhost", "1.2.3", "example.com", "::g", ""])
    func notAnAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("A public-only client refuses loopback before connecting, with a clear error; a proxy is not checked")
    func publicOnlyClient() async throws {
        try await withServer(configuration: FetchClient.Configuration(addressPolicy: .publicOnly)) { server, client in
            await #expect {
                _ = try await client.fetch(server.url("/echo"))
            } throws: { error in
                guard let error = error as? FetchError else { return false }
                return error.kind == .blockedAddress && error.message.contains("127.0.0.1") && error.url == server.url("/echo")
            }
            #expect(server.acceptedConnections == 0, "no connection was opened")
            var proxied = Request(url: "http://asyncurl-proxied.invalid/")
            proxied.proxy = server.baseURL
            _ = try? await client.fetch(proxied)
            #expect(server.recordedRequests.count == 1)
        }
    }

    @Test("The policy is checked on every redirect hop: 127.0.0.1 allowed, its redirect to 127.0.0.2 refused")
    func redirectRefused() async throws {
        let target = try await TestServer.start(host: "127.0.0.2")
        let onlyFirst = AddressPolicy.only { $0.description == "127.0.0.1" }
        try await withServer(configuration: FetchClient.Configuration(addressPolicy: onlyFirst)) { server, client in
            let request = Request(url: server.url("/redirect-to?url=" + target.url("/echo")), redirectPolicy: .follow(maxHops: 3))
            await #expect {
                _ = try await client.fetch(request)
            } throws: { error in
                (error as? FetchError)?.kind == .blockedAddress && (error as? FetchError)?.url == target.url("/echo")
            }
            #expect(server.recordedRequests.count == 1)
            #expect(target.acceptedConnections == 0)
        }
        try await target.shutdown()
    }
}
