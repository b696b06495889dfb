import AsyncURL
import Testing

@testable import Crawling

/// How a crawl's address policy is judged from its seeds (no name is resolved for it).
@Suite("Seed addresses")
struct SeedAddressesTests {
    private func ip(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

    @Test("A host name never makes a crawl local, whatever it resolves to")
    func namesAreNotLocal() throws {
        let policy = SeedAddresses.policy(forSeeds: ["http://example.com/", "https://intranet.example.org:8443/"])
        #expect(SeedAddresses.allowedPrivateAddresses(forSeeds: ["http://example.com/"]).isEmpty)
        for address in ["127.0.0.1", "10.0.0.1", "192.168.1.10", "::1", "169.254.169.254"] {
            #expect(!policy.allows(try ip(address)), "\(address)")
        }
        #expect(policy.allows(try ip("93.184.216.34")))
    }

    @Test("Literal seeds allow exactly their own addresses; localhost allows 127.0.0.1 and ::1")
    func literalSeeds() throws {
        #expect(
            SeedAddresses.allowedPrivateAddresses(forSeeds: ["http://127.0.0.1:8080/", "http://[fd00::5]/", "http://8.8.8.8/"])
                == [try ip("127.0.0.1"), try ip("fd00::5")])
        #expect(SeedAddresses.allowedPrivateAddresses(forSeeds: ["http://localhost:3000/"]) == [try ip("127.0.0.1"), try ip("::1")])
        let policy = SeedAddresses.policy(forSeeds: ["http://127.0.0.1:8080/"])
        #expect(policy.allows(try ip("127.0.0.1")))
        #expect(!policy.allows(try ip("127.0.0.2")))
        #expect(!policy.allows(try ip("10.0.0.1")))
    }
}
