import AsyncURL
import Foundation
import TestServer
import Testing

/// HTTP/2 and TLS against a real nginx on loopback.
@Suite("HTTP/2 and TLS (nginx on loopback)", .serialized)
struct HTTP2Tests {
    @Test("HTTP/2 over TLS multiplexes many streams over one connection")
    func multiplexing() async throws {
        let nginx = try await NginxServer.start()
        defer { nginx.stop() }
        var configuration = FetchClient.Configuration()
        configuration.verifiesTLSCertificates = false
        let client = try FetchClient(configuration: configuration)
        let base = "https://127.0.0.1:\(nginx.tlsPort)"
        // One request first, so the connection exists and later ones can wait for it (PIPEWAIT).
        let first: Response
        do {
            first = try await client.fetch("\(base)/page-0.html")
        } catch {
            Issue.record("first fetch failed: \(error); nginx said: \(nginx.errorLog())")
            await client.shutdown()
            return
        }
        #expect(first.httpVersion == .http2)
        let versions = try await withThrowingTaskGroup(of: HTTPVersion.self) { group in
            for index in 0..<100 {
                group.addTask { try await client.fetch("\(base)/page-\(index).html").httpVersion }
            }
            var all: [HTTPVersion] = []
            for try await version in group { all.append(version) }
            return all
        }
        await client.shutdown()
        #expect(versions.count == 100)
        #expect(versions.allSatisfy { $0 == .http2 })
        let connections = Set(nginx.accessLog().compactMap(\.first))
        #expect(connections.count == 1)
    }

    @Test("HTTP/2 prior knowledge on cleartext is spoken")
    func priorKnowledge() async throws {
        let nginx = try await NginxServer.start()
        defer { nginx.stop() }
        var configuration = FetchClient.Configuration()
        configuration.httpVersion = .http2PriorKnowledge
        let client = try FetchClient(configuration: configuration)
        let response = try await client.fetch("http://127.0.0.1:\(nginx.h2cPort)/page-3.html")
        await client.shutdown()
        #expect(response.httpVersion == .http2)
        #expect(response.text.contains("page 3"))
    }

    @Test("A self-signed certificate is refused by default")
    func selfSignedRefused() async throws {
        let nginx = try await NginxServer.start()
        defer { nginx.stop() }
        let client = try FetchClient()
        let error = await fetchError { () async throws(FetchError) in
            try await client.fetch("https://127.0.0.1:\(nginx.tlsPort)/page-1.html")
        }
        await client.shutdown()
        #expect(error?.kind == .tls)
    }

    @Test("With verification off, HTTPS negotiates HTTP/2 through ALPN")
    func tlsWithALPN() async throws {
        let nginx = try await NginxServer.start()
        defer { nginx.stop() }
        var configuration = FetchClient.Configuration()
        configuration.verifiesTLSCertificates = false
        let client = try FetchClient(configuration: configuration)
        let response = try await client.fetch("https://127.0.0.1:\(nginx.tlsPort)/page-1.html")
        await client.shutdown()
        #expect(response.status == 200)
        #expect(response.httpVersion == .http2)
        #expect(response.text.contains("page 1"))
        #expect(response.timings.tlsHandshake > .zero)
    }
}
