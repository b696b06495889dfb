import DistributedFrontier
import Testing

@Suite("RedisFrontierURL")
struct RedisFrontierURLTests {
    @Test("Parses host, port and name")
    func parses() throws {
        let url = try RedisFrontierURL(parsing: "redis://10.0.0.5:6380/news-crawl")
        #expect(url.host == "10.0.0.5")
        #expect(url.port == 6380)
        #expect(url.name == "news-crawl")
        #expect(url.keyPrefix == "asyncurl:{news-crawl}:")
        #expect(url.description == "redis://10.0.0.5:6380/news-crawl")
        #expect(try RedisFrontierURL(parsing: "redis://cache/x").port == 6379)
        #expect(try RedisFrontierURL(parsing: "redis://[::1]:7000/x").host == "::1")
    }

    @Test("Rejects what is not redis://HOST:PORT/NAME", arguments: [
        "http://host:1/x", "redis://host:1", "redis://host:1/", "redis://:1/x", "redis://host:99999/x",
        "redis://host:port/x", "redis://host:1/a b", "redis://host:1/a:b", "redis://[::1/x",
    ])
    func rejects(_ text: String) {
        #expect(throws: RedisFrontierURL.ParseError.self) { try RedisFrontierURL(parsing: text) }
    }
}
