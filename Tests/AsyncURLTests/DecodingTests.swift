import AsyncURL
import Foundation
import TestServer
import Testing

@Suite("Content decoding")
struct DecodingTests {
    @Test("gzip, deflate and brotli bodies are decoded", arguments: ["/gzip", "/deflate", "/brotli"])
    func decoded(path: String) async throws {
        try await withServer { server, client in
            let response = try await client.fetch(server.url(path))
            #expect(response.status == 200)
            #expect(response.text == TestServer.compressibleText)
            #expect(response.decodedBodyBytes == TestServer.compressibleText.utf8.count)
            #expect(response.bytesOnWire < response.decodedBodyBytes)
        }
    }

    @Test("With decompression off, the encoded bytes are returned")
    func rawWhenOff() async throws {
        var configuration = FetchClient.Configuration()
        configuration.automaticDecompression = false
        try await withServer(configuration: configuration) { server, client in
            let response = try await client.fetch(server.url("/gzip"))
            #expect(response.headers["content-encoding"] == "gzip")
            #expect(response.body.prefix(2) == Data([0x1f, 0x8b]))
        }
    }

    @Test("A body consumer receives the final hop's body as it arrives")
    func consumer() async throws {
        final class Collector: ResponseBodyConsumer, @unchecked Sendable {
            // Only the event-loop thread touches these while the transfer runs;
            // the test reads them after `fetch` returned.
            var started: [(String, Int)] = []
            var bytes = Data()
            func responseStarted(url: String, status: Int, headers: HTTPHeaders) { started.append((url, status)) }
            func consume(_ chunk: UnsafeRawBufferPointer) { bytes.append(contentsOf: chunk) }
        }
        try await withServer { server, client in
            let collector = Collector()
            var request = Request(url: server.url("/redirect-to?url=%2Fgzip"))
            request.bodyConsumer = collector
            request.keepsBody = false
            let response = try await client.fetch(request)
            #expect(response.body.isEmpty)
            #expect(collector.started.count == 1)
            #expect(collector.started.first?.0 == server.url("/gzip"))
            #expect(String(decoding: collector.bytes, as: UTF8.self) == TestServer.compressibleText)
        }
    }

    @Test("Text is decoded with the response's charset")
    func charset() async throws {
        try await withServer { server, client in
            let url = server.url("/content-type?type=text%2Fplain%3B%20charset%3Diso-8859-1&body=caf%E9")
            let response = try await client.fetch(url)
            #expect(response.charset == "iso-8859-1")
            #expect(response.text == "café")
        }
    }
}
