import AsyncURL
import Foundation
import TestServer
import Testing

/// `AddressPolicy.publicOnly`: connections into loopback and private ranges refused.
@Suite("Address policy")
struct AddressPolicyTests {
    @Test(
        "Special-purpose addresses are not public",
        arguments: [
            "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
            "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.0.8",
            "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
            "192.0.2.1", "198.51.100.7", "203.0.113.9",
            // IPv4-compatible, 6to4 and Teredo forms of private addresses; local-use NAT64, site-local and other reserved ranges.
            "::127.0.0.1", "::7f00:2", "::10.1.2.3", "::192.168.0.1", "2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101:1::1",
            "2001:0:4136:e378:8000:63bf:f5ff:fffe", "2001:0:a00:1:8000:63bf:f7f7:f7f7", "64:ff9b:1::a00:1", "64:ff9b:1::808:808",
            "64:ff9b:0:1::808:808", "fec0::1", "feff::1", "2001:db8::1", "100::1"
        ])
    func notPublic(address: String) throws {
        let ip = try #require(IPAddress(address))
        #expect(!ip.isPublic)
        #expect(!AddressPolicy.publicOnly.allows(ip))
        #expect(AddressPolicy.any.allows(ip))
    }

    @Test(
        "Ordinary addresses are public",
        arguments: [
            "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
            "2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
            "::8.8.8.8", "2002:808:808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", "2001:db9::1", "fe00::1"
        ])
    func isPublic(address: String) throws {
        #expect(try #require(IPAddress(address)).isPublic)
    }

    @Test("Not an address", arguments: ["localhost", "1.2.3", "example.com", "::g", ""])
    func notAnAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("Allowing exactly some addresses: those and public ones pass, every other non-public address is refused")
    func exactlyTheseAddresses() throws {
        let policy = AddressPolicy.publicOnly(allowing: [try #require(IPAddress("127.0.0.1")), try #require(IPAddress("::1"))])
        for allowed in ["127.0.0.1", "::ffff:127.0.0.1", "::1", "8.8.8.8"] {
            #expect(policy.allows(try #require(IPAddress(allowed))), "\(allowed)")
        }
        for refused in ["127.0.0.2", "10.0.0.1", "192.168.1.1", "::2", "fd00::1", "169.254.169.254"] {
            #expect(!policy.allows(try #require(IPAddress(refused))), "\(refused)")
        }
    }

    @Test("Hosts that stand for addresses literally: IP literals and localhost; other names do not")
    func literalHosts() throws {
        #expect(AddressPolicy.literalAddresses(ofHost: "127.0.0.2") == [try #require(IPAddress("127.0.0.2"))])
        #expect(AddressPolicy.literalAddresses(ofHost: "[::1]") == [try #require(IPAddress("::1"))])
        #expect(AddressPolicy.literalAddresses(ofHost: "[fe80::1%25eth0]") == [try #require(IPAddress("fe80::1"))])
        #expect(AddressPolicy.literalAddresses(ofHost: "fe80::1%eth0") == [try #require(IPAddress("fe80::1"))])
        let loopback = [try #require(IPAddress("127.0.0.1")), try #require(IPAddress("::1"))]
        #expect(AddressPolicy.literalAddresses(ofHost: "localhost") == loopback)
        #expect(AddressPolicy.literalAddresses(ofHost: "Docs.LOCALHOST.") == loopback)
        #expect(AddressPolicy.literalAddresses(ofHost: "example.com") == nil)
        #expect(AddressPolicy.literalAddresses(ofHost: "localhost.example.com") == nil)
    }

    @Test(
        "Through a proxy, a private literal host is still refused, in every spelling libcurl accepts; host names go to the proxy",
        arguments: [
            "http://127.0.0.2/", "http://[::1]/", "http://10.0.0.1:8080/x", "http://2130706433/", "http://0x7f.1/", "http://localhost/",
            "http://[::ffff:7f00:1]/", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1%25lo]/"
        ])
    func proxiedLiteral(url: String) async throws {
        try await withServer(configuration: FetchClient.Configuration(addressPolicy: .publicOnly)) { server, client in
            var proxied = Request(url: url)
            proxied.proxy = server.baseURL
            await #expect {
                _ = try await client.fetch(proxied)
            } throws: { error in
                (error as? FetchError)?.kind == .blockedAddress
            }
            #expect(server.recordedRequests.isEmpty, "nothing reached the proxy")
        }
    }

    @Test("Through a proxy, a redirect to a private literal host is refused too")
    func proxiedRedirect() async throws {
        try await withServer(configuration: FetchClient.Configuration(addressPolicy: .publicOnly)) { server, client in
            // A proxy sees the absolute URL as the request target.
            server.addRoute("http://asyncurl-proxied.invalid/hop") { _ in
                TestResponse(status: 302, text: "", headers: [("Location", "http://10.0.0.1/admin")])
            }
            var proxied = Request(url: "http://asyncurl-proxied.invalid/hop", redirectPolicy: .follow(maxHops: 3))
            proxied.proxy = server.baseURL
            await #expect {
                _ = try await client.fetch(proxied)
            } throws: { error in
                (error as? FetchError)?.kind == .blockedAddress && (error as? FetchError)?.url == "http://10.0.0.1/admin"
            }
            #expect(server.recordedRequests.count == 1, "only the first hop went to the proxy")
        }
    }

    @Test("A public-only client refuses loopback before connecting, with a clear error; a proxied host name is not checked")
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
