import AsyncURL
import Foundation
import Testing

@Suite("Limits against hostile servers")
struct LimitTests {
    @Test("A declared body over the limit fails with bodyTooLarge")
    func declaredLength() async throws {
        try await withServer { server, client in
            let request = Request(url: server.url("/bytes/2000000"), maxBodySize: 1 << 20)
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(request) }
            #expect(error?.kind == .bodyTooLarge)
        }
    }

    @Test("A chunked body over the limit is cut at the limit")
    func chunked() async throws {
        try await withServer { server, client in
            let request = Request(url: server.url("/chunked/5000000"), maxBodySize: 1 << 20)
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(request) }
            #expect(error?.kind == .bodyTooLarge)
            #expect(error?.url == server.url("/chunked/5000000"))
        }
    }

    @Test(
        "With truncatesBody, a body over the limit (declared, chunked, or a gzip bomb) is cut at the limit and the response stands",
        arguments: ["/bytes/2000000", "/chunked/5000000", "/gzip-bomb/1073741824"])
    func truncated(path: String) async throws {
        try await withServer { server, client in
            var request = Request(url: server.url(path), maxBodySize: 100_000)
            request.truncatesBody = true
            let response = try await client.fetch(request)
            #expect(response.status == 200)
            #expect(response.body.count == 100_000)
            #expect(response.decodedBodyBytes == 100_000)
            #expect(response.isTruncated)
        }
    }

    @Test("A body just under the limit is accepted whole, byte for byte")
    func underLimit() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(Request(url: server.url("/chunked/100000"), maxBodySize: 100_000))
            #expect(response.body.count == 100_000)
            #expect(response.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
        }
    }

    @Test(
        "Any receive buffer size (below libcurl's 1 KiB floor, its 16 KiB default, above its 512 KiB cap) gives the whole body",
        arguments: [1, 16 << 10, 64 << 10, 4 << 20])
    func receiveBufferSize(size: Int) async throws {
        var configuration = FetchClient.Configuration()
        configuration.receiveBufferSize = size
        try await withServer(configuration: configuration) { server, client in
            for path in ["/bytes/300000", "/chunked/300000"] {
                let response = try await client.fetch(Request(url: server.url(path)))
                #expect(response.body.count == 300_000, "\(path)")
                #expect(response.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) }, "\(path)")
            }
        }
    }

    @Test(
        "Decompression bombs stop at the limit on decoded bytes",
        arguments: ["/gzip-bomb/1073741824", "/deflate-bomb/1073741824", "/brotli-bomb/1073741824"])
    func bomb(path: String) async throws {
        try await withServer { server, client in
            let request = Request(url: server.url(path), maxBodySize: 4 << 20)
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(request) }
            #expect(error?.kind == .bodyTooLarge)
        }
    }

    @Test("Response headers over the limit fail with headersTooLarge")
    func headers() async throws {
        var configuration = FetchClient.Configuration()
        configuration.maxHeaderBytes = 16 << 10
        try await withServer(configuration: configuration) { server, client in
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(server.url("/large-header?bytes=50000")) }
            #expect(error?.kind == .headersTooLarge)
            let fine = try await client.fetch(server.url("/large-header?bytes=1000"))
            #expect(fine.headers["x-large"]?.count == 1000)
        }
    }

    @Test(
        "Only http and https URLs are fetched",
        arguments: ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/", "not a url", ""])
    func schemes(url: String) async throws {
        let client = try FetchClient()
        let error = await fetchError { () async throws(FetchError) in try await client.fetch(url) }
        #expect(error?.kind == .invalidURL)
        await client.shutdown()
    }
}
