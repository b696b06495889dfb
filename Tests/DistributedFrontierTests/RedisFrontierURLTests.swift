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

    @Test(
        "Rejects what is not redis://HOST:PORT/NAME",
        arguments: [
            "http://host:1/x", "redis://host:1", "redis://host:1/", "redis://:1/x", "redis://host:99999/x",
            "redis://host:port/x", "redis://host:1/a b", "redis://host:1/a:b", "redis://[::1/x"
        ])
    func rejects(_ text: String) {
        #expect(throws: RedisFrontierURL.ParseError.self) { try RedisFrontierURL(parsing: text) }
    }
}

@Suite("RedisFrontierURL credentials")
struct RedisFrontierURLCredentialsTests {
    @Test("User name and password come from the URL (percent-decoded) or the environment, and are never shown")
    func credentials() throws {
        let url = try RedisFrontierURL(parsing: "redis://crawler:p%40ss%3Aw0rd@10.0.0.5:6380/news")
        #expect(url.credentials == RedisCredentials(username: "crawler", password: "p@ss:w0rd"))
        #expect(url.host == "10.0.0.5" && url.port == 6380 && url.name == "news")
        #expect(url.description == "redis://crawler:***@10.0.0.5:6380/news")
        #expect(!"\(url)".contains("w0rd"))
        #expect(try RedisFrontierURL(parsing: "redis://:secret@cache/x").credentials == RedisCredentials(password: "secret"))
        #expect(
            try RedisFrontierURL(parsing: "redis://cache/x", environmentPassword: "fromenv").credentials
                == RedisCredentials(password: "fromenv"))
        #expect(
            try RedisFrontierURL(parsing: "redis://ops@cache/x", environmentPassword: "fromenv").credentials
                == RedisCredentials(username: "ops", password: "fromenv"))
        #expect(try RedisFrontierURL(parsing: "redis://:inurl@cache/x", environmentPassword: "fromenv").credentials?.password == "inurl")
        #expect(try RedisFrontierURL(parsing: "redis://cache/x").credentials == nil)
    }

    @Test("rediss:// is TLS (its settings kept), redis:// is not; errors never show the password")
    func tlsAndRefusals() throws {
        let secure = try RedisFrontierURL(parsing: "rediss://u:topsecret@cache:6380/x", tls: RedisTLS(caFile: "/ca.pem"))
        #expect(secure.tls == RedisTLS(caFile: "/ca.pem"))
        #expect(secure.description == "rediss://u:***@cache:6380/x")
        #expect(try RedisFrontierURL(parsing: "redis://cache/x", tls: RedisTLS(caFile: "/ca.pem")).tls == nil)
        do {
            _ = try RedisFrontierURL(parsing: "http://u:topsecret@cache:6380/x")
            Issue.record("http:// accepted")
        } catch {
            #expect(error.description.contains("rediss://"))
            #expect(!error.description.contains("topsecret"))
        }
        do {
            _ = try RedisFrontierURL(parsing: "redis://u:topsecret@cache:port/x")
            Issue.record("bad port accepted")
        } catch {
            #expect(!error.description.contains("topsecret"))
        }
        #expect(throws: RedisFrontierURL.ParseError.self) { try RedisFrontierURL(parsing: "redis://u:%zz@cache/x") }
    }
}
