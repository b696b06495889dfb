import AsyncURL
import Foundation
import TestServer
import Testing

/// What a request carries across a redirect, and what it may be sent with at all.
@Suite("Request hygiene")
struct RequestHygieneTests {
    private func escaped(_ url: String) -> String {
        url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    @Test("On a cross-origin 307 every added header but the allow-listed ones is dropped, and so is the body")
    func crossOriginDropsAddedFields() async throws {
        try await withServer { server, client in
            try await withExtraServer { other in
                let headers: HTTPHeaders = [
                    "X-Api-Key": "k-123", "Authorization": "Bearer secret", "Cookie": "session=1",
                    "X-Custom": "yes", "Accept": "text/html", "Accept-Language": "fr", "Content-Type": "text/plain"
                ]
                let request = Request(
                    url: server.url("/redirect-to?status=307&url=\(escaped(other.url("/echo")))"), method: .post,
                    headers: headers, body: Data("secret-form=1".utf8))
                let echo = try Echo(try await client.fetch(request))
                #expect(echo.method == "POST")
                #expect(echo.bodyLength == 0)
                for name in ["x-api-key", "authorization", "cookie", "x-custom", "content-type"] {
                    #expect(echo.header(name) == nil, "\(name) went to another origin")
                }
                #expect(echo.header("accept") == "text/html")
                #expect(echo.header("accept-language") == "fr")

                // Same origin: everything stays.
                let home = Request(
                    url: server.url("/redirect-to?status=308&url=\(escaped(server.url("/echo")))"), method: .post,
                    headers: headers, body: Data("secret-form=1".utf8))
                let kept = try Echo(try await client.fetch(home))
                #expect(kept.header("x-api-key") == "k-123")
                #expect(kept.body == "secret-form=1")
            }
        }
    }

    @Test("The allow-list of fields kept across origins can be changed")
    func allowList() async throws {
        try await withServer { server, client in
            try await withExtraServer { other in
                var request = Request(
                    url: server.url("/redirect-to?url=\(escaped(other.url("/echo")))"), headers: ["X-Trace": "t1", "Accept": "a/b"])
                request.redirectPolicy.crossOriginHeaders = ["x-trace"]
                let echo = try Echo(try await client.fetch(request))
                #expect(echo.header("x-trace") == "t1")
                #expect(echo.header("accept") != "a/b")
            }
        }
    }

    @Test(
        "A method that is not an RFC 9110 token is refused before anything is sent",
        arguments: [
            "GET /admin HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET", "GE T", "GET\0", "PO(ST)", "", "DELETE\u{00E9}"
        ])
    func invalidMethod(method: String) async throws {
        try await withServer { server, client in
            let request = Request(url: server.url("/echo"), method: HTTPMethod(rawValue: method))
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(request) }
            #expect(error?.kind == .invalidRequest)
            #expect(server.acceptedConnections == 0)
        }
    }

    @Test("Token methods are sent as they are", arguments: ["PROPFIND", "M-SEARCH", "X_CUSTOM!"])
    func tokenMethod(method: String) async throws {
        try await withServer { server, client in
            let echo = try Echo(try await client.fetch(Request(url: server.url("/echo"), method: HTTPMethod(rawValue: method))))
            #expect(echo.method == method)
        }
    }

    @Test("A policy's target decides the next hop, and exactly its string is fetched")
    func targetIsFetched() async throws {
        try await withServer { server, client in
            let seen = LockedBox<[String]>([])
            let policy = RedirectPolicy(
                maxHops: 3,
                target: { from, location in
                    seen.mutate { $0.append(location) }
                    // Whatever the server wrote, this string is what goes out.
                    return location == "/ignored" ? server.url("/echo?chosen=%zz") : nil
                })
            let response = try await client.fetch(Request(url: server.url("/redirect-to?url=%2Fignored"), redirectPolicy: policy))
            let echo = try Echo(response)
            #expect(seen.value == ["/ignored"])
            #expect(echo.query == "chosen=%zz")
            #expect(response.finalURL == server.url("/echo?chosen=%zz"))
            // nil: the 3xx comes back.
            let stopped = try await client.fetch(Request(url: server.url("/redirect-to?url=%2Fother"), redirectPolicy: policy))
            #expect(stopped.status == 302)
        }
    }

    @Test("Nothing set for one request stays on the pooled handle for the next: method, body, headers, credentials, proxy, capture")
    func pooledHandleStartsClean() async throws {
        // One idle handle: every request of this client runs on the same easy handle.
        try await withServer(configuration: FetchClient.Configuration(idleHandlePoolSize: 1)) { server, client in
            try await withExtraServer { proxy in
                let credentialed = server.url("/echo").replacingOccurrences(of: "http://", with: "http://user:secret@")
                var first = Request(url: credentialed, method: .put, headers: ["X-Secret": "s-1"], body: Data("payload".utf8))
                first.capturesExchange = true
                first.maxBodySize = 1 << 20
                _ = try await client.fetch(first)
                var proxied = Request(url: server.url("/echo?via=proxy"))
                proxied.proxy = proxy.baseURL
                _ = try? await client.fetch(proxied)

                let plain = try await client.fetch(server.url("/echo"))
                let echo = try Echo(plain)
                #expect(echo.method == "GET")
                #expect(echo.bodyLength == 0)
                #expect(echo.header("authorization") == nil)
                #expect(echo.header("x-secret") == nil)
                #expect(plain.capturedHops.isEmpty)
                #expect(proxy.recordedRequests.count == 1, "only the proxied request went to the proxy")
                #expect(server.recordedRequests.last?.target == "/echo")
                let firstSeen = server.recordedRequests.first
                #expect(firstSeen?.headers.contains { $0.name.lowercased() == "authorization" } == true, "the credentials were sent once")
            }
        }
    }
}

/// A value shared with a `@Sendable` closure in a test.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
