import AsyncURL
import Foundation
import TestServer
import Testing

/// The client's cookie jar (`keepsCookies`), against the loopback test server.
@Suite("Cookies")
struct CookieTests {
    private static func addCookieRoutes(_ server: TestServer) {
        server.addRoute("/login") { _ in
            TestResponse(text: "welcome", headers: [("Set-Cookie", "session=abc123; Path=/"), ("Set-Cookie", "admin=yes; Path=/private")])
        }
        server.addRoute("/cookie-redirect") { _ in
            TestResponse(status: 302, text: "", headers: [("Set-Cookie", "hop=1; Path=/"), ("Location", "/echo")])
        }
        server.addRoute("/private/") { request in
            TestResponse(text: request.headers.first { $0.name.lowercased() == "cookie" }?.value ?? "")
        }
        server.addRoute("/logout") { _ in
            TestResponse(text: "bye", headers: [("Set-Cookie", "session=; Path=/; Max-Age=0")])
        }
    }

    private func cookieHeader(_ client: FetchClient, _ server: TestServer, _ path: String = "/echo") async throws -> String? {
        try Echo(try await client.fetch(server.url(path))).header("Cookie")
    }

    @Test("A cookie set by one response goes with the next requests to its path, and not elsewhere")
    func keptAndSent() async throws {
        try await withServer(configuration: FetchClient.Configuration(keepsCookies: true)) { server, client in
            Self.addCookieRoutes(server)
            #expect(try await cookieHeader(client, server) == nil)
            _ = try await client.fetch(server.url("/login"))
            #expect(try await cookieHeader(client, server) == "session=abc123", "the /private cookie stays on its path")
            let privateCookies = String(decoding: try await client.fetch(server.url("/private/page")).body, as: UTF8.self)
            #expect(privateCookies.contains("admin=yes") && privateCookies.contains("session=abc123"))
            _ = try await client.fetch(server.url("/logout"))
            #expect(try await cookieHeader(client, server) == nil, "Max-Age=0 removes it")
        }
    }

    @Test("A cookie set on a redirect hop is sent to the redirect's target")
    func setOnRedirect() async throws {
        try await withServer(configuration: FetchClient.Configuration(keepsCookies: true)) { server, client in
            Self.addCookieRoutes(server)
            let response = try await client.fetch(server.url("/cookie-redirect"))
            #expect(try Echo(response).header("Cookie") == "hop=1")
        }
    }

    @Test("Without a jar (the default) cookies are not kept; each client has its own jar")
    func separateJars() async throws {
        try await withServer { server, client in
            Self.addCookieRoutes(server)
            _ = try await client.fetch(server.url("/login"))
            #expect(try await cookieHeader(client, server) == nil)
            let first = try FetchClient(configuration: FetchClient.Configuration(keepsCookies: true))
            let second = try FetchClient(configuration: FetchClient.Configuration(keepsCookies: true))
            _ = try await first.fetch(server.url("/login"))
            #expect(try await cookieHeader(first, server) == "session=abc123")
            #expect(try await cookieHeader(second, server) == nil)
            await first.shutdown()
            await second.shutdown()
        }
    }

    @Test("The jar keeps at most its per-host and total bounds, however many cookies a site sets; the rest are counted")
    func bounded() async throws {
        try await withServer(configuration: FetchClient.Configuration(keepsCookies: true, maxCookiesPerHost: 50)) { server, client in
            // 10 pages of 40 fresh cookies each: 400 cookies offered.
            server.addRoute("/many-cookies/") { request in
                let page = request.path.split(separator: "/").last.map(String.init) ?? "0"
                return TestResponse(text: "cookies", headers: (0..<40).map { ("Set-Cookie", "c\(page)_\($0)=v; Path=/") })
            }
            for page in 0..<10 { _ = try await client.fetch(server.url("/many-cookies/\(page)")) }
            let sent = try await cookieHeader(client, server)?.split(separator: ";").count ?? 0
            #expect(sent == 50)
            #expect(client.cookiesRefused == 350)

            let small = try FetchClient(configuration: FetchClient.Configuration(keepsCookies: true, maxCookiesPerHost: 50, maxCookies: 30))
            for page in 0..<3 { _ = try await small.fetch(server.url("/many-cookies/\(page)")) }
            let sentBySmall = try await cookieHeader(small, server)?.split(separator: ";").count ?? 0
            #expect(sentBySmall == 30)
            #expect(small.cookiesRefused == 90)
            await small.shutdown()
        }
    }
}
