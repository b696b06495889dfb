import AsyncURL
import Foundation
import TestServer
import Testing

@Suite("Redirects")
struct RedirectTests {
    @Test("A chain of relative redirects is followed and recorded")
    func chain() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(server.url("/redirect/3"))
            #expect(response.status == 200)
            #expect(response.text == "redirect done")
            #expect(response.finalURL == server.url("/redirect/0"))
            #expect(response.redirectChain.map(\.url) == ["/redirect/3", "/redirect/2", "/redirect/1"].map(server.url))
            #expect(response.redirectChain.allSatisfy { $0.status == 302 })
        }
    }

    @Test("Absolute redirects are followed")
    func absolute() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(server.url("/absolute-redirect/2"))
            #expect(response.status == 200)
            #expect(response.redirectChain.count == 2)
        }
    }

    @Test("A redirect loop fails with tooManyRedirects after the hop limit")
    func loop() async throws {
        try await withServer { server, client in
            let request = Request(url: server.url("/redirect-loop"), redirectPolicy: .follow(maxHops: 5))
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(request) }
            #expect(error?.kind == .tooManyRedirects)
            #expect(error?.url == server.url("/redirect-loop"))
        }
    }

    @Test("More hops than allowed fail; the default allows 10")
    func hopLimit() async throws {
        try await withServer { server, client in
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(server.url("/redirect/11")) }
            #expect(error?.kind == .tooManyRedirects)
            let response = try await client.fetch(server.url("/redirect/10"))
            #expect(response.redirectChain.count == 10)
        }
    }

    @Test("With redirects off, the 3xx response comes back as it is")
    func never() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(Request(url: server.url("/redirect/2"), redirectPolicy: .never))
            #expect(response.status == 302)
            #expect(response.headers["location"] == "/redirect/1")
            #expect(response.redirectChain.isEmpty)
        }
    }

    @Test("A refused hop returns the 3xx response", arguments: [301, 302, 307, 308])
    func refusedHop(status: Int) async throws {
        try await withServer { server, client in
            let target = "http://127.0.0.1:1/elsewhere"
            let url = server.url(
                "/redirect-to?status=\(status)&url=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            let policy = RedirectPolicy(maxHops: 10) { _, to in !to.contains(":1/") }
            let response = try await client.fetch(Request(url: url, redirectPolicy: policy))
            #expect(response.status == status)
            #expect(response.headers["Location"] == target)
        }
    }

    @Test(
        "Redirects to other schemes are refused",
        arguments: [
            "file:///etc/passwd", "ftp://127.0.0.1/file", "gopher://127.0.0.1/", "dict://127.0.0.1/", "data:text/plain,hi"
        ])
    func otherSchemes(target: String) async throws {
        try await withServer { server, client in
            let url = server.url("/redirect-to?url=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(url) }
            #expect(error?.kind == .forbiddenRedirect)
            #expect(error?.message.contains(target) == true)
        }
    }

    @Test("303 turns POST into GET without the body; 307 keeps both")
    func methodRewriting() async throws {
        try await withServer { server, client in
            let echo = server.url("/echo").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let body = Data("form=1".utf8)
            let seeOther = try Echo(
                try await client.fetch(Request(url: server.url("/redirect-to?status=303&url=\(echo)"), method: .post, body: body)))
            #expect(seeOther.method == "GET")
            #expect(seeOther.bodyLength == 0)
            let temporary = try Echo(
                try await client.fetch(Request(url: server.url("/redirect-to?status=307&url=\(echo)"), method: .post, body: body)))
            #expect(temporary.method == "POST")
            #expect(temporary.body == "form=1")
        }
    }

    @Test("Authorization is not sent to another origin after a redirect")
    func credentialsStayHome() async throws {
        try await withServer { server, client in
            try await withExtraServer { other in
                let target = other.url("/echo").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let request = Request(url: server.url("/redirect-to?url=\(target)"), headers: ["Authorization": "Bearer secret"])
                let echo = try Echo(try await client.fetch(request))
                #expect(echo.header("authorization") == nil)
                let sameOrigin = server.url("/echo").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let kept = try Echo(
                    try await client.fetch(
                        Request(url: server.url("/redirect-to?url=\(sameOrigin)"), headers: ["Authorization": "Bearer secret"])))
                #expect(kept.header("authorization") == "Bearer secret")
            }
        }
    }

    @Test("A redirect to a URL over the length limit fails with urlTooLong, and the long URL is never requested")
    func tooLongTarget() async throws {
        try await withServer(configuration: FetchClient.Configuration(maxURLLength: 2048)) { server, client in
            server.addRoute("/long-redirect/") { request in
                let length = Int(request.path.split(separator: "/").last ?? "") ?? 0
                return TestResponse(status: 302, text: "", headers: [("Location", "/landing/" + String(repeating: "x", count: length))])
            }
            server.addRoute("/landing/") { _ in TestResponse(text: "landed") }
            for length in [3000, 100_000] {
                let error = await fetchError { () async throws(FetchError) in try await client.fetch(server.url("/long-redirect/\(length)"))
                }
                #expect(error?.kind == .urlTooLong, "\(length): \(String(describing: error))")
            }
            // Under the limit as written, over it once absolute (the long part is in the current URL).
            let nearLimit = String(repeating: "y", count: 2000)
            server.addRoute("/near/") { _ in TestResponse(status: 302, text: "", headers: [("Location", "?q=" + nearLimit)]) }
            let error = await fetchError { () async throws(FetchError) in
                try await client.fetch(server.url("/near/" + String(repeating: "p", count: 100)))
            }
            #expect(error?.kind == .urlTooLong)
            #expect(server.recordedRequests.filter { $0.path.hasPrefix("/landing/") || $0.target.contains("?q=") }.isEmpty)
            // Under the limit: followed.
            let followed = try await client.fetch(server.url("/long-redirect/1000"))
            #expect(followed.status == 200 && followed.text == "landed")
        }
    }
}
