import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

@Suite("RedisFrontier entry coding")
struct RedisFrontierEntryCodingTests {
    @Test("Base64 matches RFC 4648's test vectors and refuses what is not base64")
    func base64() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded.utf8) == Array(plain.utf8))
        }
        let binary: [UInt8] = [0, 10, 13, 255, 254, 61, 43, 47]
        #expect(Base64.decode(Base64.encode(binary).utf8) == binary)
        for bad in ["Zg=", "Z===", "Zm9v\n", "Zg=a", "Zm9*"] { #expect(Base64.decode(bad.utf8) == nil, "\(bad)") }
    }

    @Test("User name and password are taken out of URLs kept for people")
    func withoutUserInfo() {
        #expect(RedisFrontierEntryCoding.withoutUserInfo("http://user:secret@host.test/a@b?c=@") == "http://host.test/a@b?c=@")
        #expect(RedisFrontierEntryCoding.withoutUserInfo("https://user@host.test:8443") == "https://host.test:8443")
        #expect(RedisFrontierEntryCoding.withoutUserInfo("http://a:b@c@host.test/") == "http://host.test/")
        #expect(RedisFrontierEntryCoding.withoutUserInfo("http://host.test/x") == "http://host.test/x")
        #expect(RedisFrontierEntryCoding.withoutUserInfo("mailto:someone@host.test") == "mailto:someone@host.test")
    }

    @Test("An entry's request payload, depth, priority and attempt survive the queue; its referrer loses its password")
    func roundTrip() throws {
        let payload: [UInt8] = Array("{\"method\":\"POST\",\n\"body\":\"x\"}".utf8) + [0, 255]
        let entry = FrontierEntry(
            url: "http://user:secret@h1.test:80/a", fingerprint: 0xDEAD_BEEF_0123_4567, hostKey: "http://h1.test:80", depth: 3,
            priority: -2, referrer: "http://user:secret@h1.test:80/", attempt: 1, payload: payload)
        let decoded = try #require(
            RedisFrontierEntryCoding.entry(fromPayload: RedisFrontierEntryCoding.payload(of: entry)[...], hostKey: entry.hostKey))
        #expect(decoded.payload == payload)
        #expect(decoded.url == entry.url)
        #expect(decoded.referrer == "http://h1.test:80/")
        #expect(decoded.depth == 3 && decoded.priority == -2 && decoded.attempt == 1 && decoded.fingerprint == entry.fingerprint)
        var plain = entry
        plain.payload = nil
        plain.referrer = nil
        let decodedPlain = try #require(
            RedisFrontierEntryCoding.entry(fromPayload: RedisFrontierEntryCoding.payload(of: plain)[...], hostKey: entry.hostKey))
        #expect(decodedPlain.payload == nil && decodedPlain.referrer == nil)
    }

    @Test("Seeds are kept without their password; a worker giving back a learned seed adds no duplicate")
    func seedsWithoutPassword() async throws {
        try await RedisFixtures.withFrontiers(2) { server, frontiers in
            let url = "http://user:secret@h1.test:80/"
            let seed = FrontierEntry(url: url, fingerprint: RedisFixtures.fingerprint(url), hostKey: "http://h1.test:80")
            #expect(await frontiers[0].addSeeds([seed]) == [.queued])
            let learned = try await RedisCrawlStatus.seeds(of: RedisFixtures.url(server, name: "test"))
            #expect(learned == ["http://h1.test:80/"])
            let again = FrontierEntry(url: learned[0], fingerprint: RedisFixtures.fingerprint(learned[0]), hostKey: "http://h1.test:80")
            #expect(await frontiers[1].addSeeds([again]) == [.duplicate])
            // The queued URL keeps its password: the fetch needs it.
            #expect(try #require(await RedisFixtures.bounded { await frontiers[1].next() } ?? nil).url == url)
        }
    }
}
