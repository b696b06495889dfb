import AsyncURL
import Foundation
import Testing

@Suite("Methods, bodies and headers")
struct MethodAndHeaderTests {
    @Test(
        "Each method reaches the server with its body",
        arguments: [
            HTTPMethod.get, .post, .put, .delete, .patch, .options
        ])
    func methodWithBody(method: HTTPMethod) async throws {
        try await withServer { server, client in
            let payload = method == .get ? nil : Data("payload for \(method)".utf8)
            let response = try await client.fetch(Request(url: server.url("/echo"), method: method, body: payload))
            #expect(response.status == 200)
            let echo = try Echo(response)
            #expect(echo.method == method.rawValue)
            #expect(echo.body == (payload.map { String(decoding: $0, as: UTF8.self) } ?? ""))
            #expect(echo.bodyLength == (payload?.count ?? 0))
        }
    }

    @Test("HEAD returns headers and no body")
    func head() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(Request(url: server.url("/bytes/5000"), method: .head))
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(response.headers["content-length"] == "5000")
        }
    }

    @Test("A large POST body arrives whole")
    func largeBody() async throws {
        try await withServer { server, client in
            let payload = Data(repeating: UInt8(ascii: "x"), count: 3 << 20)
            let response = try await client.fetch(Request(url: server.url("/echo"), method: .post, body: payload))
            #expect(try Echo(response).bodyLength == payload.count)
        }
    }

    @Test("Request headers are sent; the user agent and Accept-Encoding are set")
    func requestHeaders() async throws {
        var configuration = FetchClient.Configuration()
        configuration.userAgent = "AsyncURLTests/1"
        try await withServer(configuration: configuration) { server, client in
            let headers: HTTPHeaders = ["X-Token": "abc", "Accept": "text/html"]
            let echo = try Echo(try await client.fetch(Request(url: server.url("/echo"), headers: headers)))
            #expect(echo.header("x-token") == "abc")
            #expect(echo.header("accept") == "text/html")
            #expect(echo.header("user-agent") == "AsyncURLTests/1")
            let encodings = echo.header("accept-encoding") ?? ""
            #expect(encodings.contains("gzip"))
            #expect(encodings.contains("br"))
        }
    }

    @Test("A header value cannot inject another header")
    func headerInjection() async throws {
        try await withServer { server, client in
            let headers: HTTPHeaders = ["X-Evil": "a\r\nX-Injected: yes"]
            let echo = try Echo(try await client.fetch(Request(url: server.url("/echo"), headers: headers)))
            #expect(echo.header("x-injected") == nil)
            #expect(echo.header("x-evil")?.contains("X-Injected") == true)
            let badName: HTTPHeaders = ["X-Bad\r\nX-Injected": "1", "X-Good": "2"]
            let second = try Echo(try await client.fetch(Request(url: server.url("/echo"), headers: badName)))
            #expect(second.header("x-injected") == nil)
            #expect(second.header("x-good") == "2")
        }
    }

    @Test("Multi-valued response headers are kept, lookups are case-insensitive")
    func responseHeaders() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(server.url("/multi-header"))
            #expect(response.headers.values(for: "x-multi") == ["a", "b"])
            #expect(response.headers.values(for: "SET-COOKIE").count == 2)
            #expect(response.headers["Content-Type"] == response.headers["content-type"])
            #expect(response.charset == "utf-8")
            #expect(response.mediaType == "text/plain")
        }
    }

    @Test("Error statuses are responses, not errors", arguments: [404, 500, 503])
    func errorStatus(code: Int) async throws {
        try await withServer { server, client in
            let response = try await client.fetch(server.url("/status/\(code)"))
            #expect(response.status == code)
            #expect(response.text == "status \(code)")
            #expect(!response.isSuccess)
        }
    }

    @Test("User data travels with the request")
    func userData() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(Request(url: server.url("/echo"), userData: 42))
            #expect(response.request.userData as? Int == 42)
        }
    }
}

@Suite("Proxies")
struct ProxyTests {
    @Test("A request with a proxy goes to the proxy, in absolute form, for a host that does not even resolve")
    func throughProxy() async throws {
        try await withServer { proxy, client in
            var request = Request(url: "http://asyncurl-proxied.invalid/some/page?x=1")
            request.proxy = proxy.baseURL
            _ = try? await client.fetch(request)
            let seen = proxy.recordedRequests.map(\.target)
            #expect(seen == ["http://asyncurl-proxied.invalid/some/page?x=1"])
            #expect(proxy.recordedRequests.first?.host == "asyncurl-proxied.invalid")
        }
    }
}
