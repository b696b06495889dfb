import AsyncURL
import Foundation
import TestServer
import Testing

/// TLS session reuse across a client's transfers, against nginx on loopback
/// (its access log says per request whether the connection resumed a session).
@Suite("TLS sessions (nginx on loopback)", .serialized)
struct TLSSessionTests {
    /// Verifies certificates, trusting the certificate of nginx's `tlsPort` (for 127.0.0.1).
    private static func trusting(_ nginx: NginxServer) -> FetchClient.Configuration {
        var configuration = FetchClient.Configuration(httpVersion: .http1_1)
        configuration.trustedCertificatesFile = nginx.certificateFile.path
        return configuration
    }

    /// nginx's access log once it holds `count` lines (nginx writes a line
    /// just after the response, so it may lag the client by a moment);
    /// waits at most 5 s.
    private static func accessLog(of nginx: NginxServer, count: Int) async -> [[Substring]] {
        for _ in 0..<500 {
            let log = nginx.accessLog()
            if log.count >= count { return log }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nginx.accessLog()
    }

    @Test("New connections to a host resume the TLS session of the client's first one, whichever pooled handle opens them")
    func sessionsResumedAcrossHandles() async throws {
        let inFlight = 16
        try await withExtraServer { upstream in
            // Each request waits (at most 10 s) until all are in flight, so over
            // HTTP/1.1 each has a connection of its own, opened by its own handle.
            let arrived = LockedBox(0)
            upstream.addRoute("/gather") { _ in
                arrived.mutate { $0 += 1 }
                for _ in 0..<1000 {
                    if arrived.value >= inFlight { break }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return TestResponse(text: "gathered")
            }
            let nginx = try await NginxServer.start(upstreamPort: upstream.port)
            defer { nginx.stop() }
            let client = try FetchClient(configuration: Self.trusting(nginx))
            let base = "https://127.0.0.1:\(nginx.tlsPort)"
            let first = try await client.fetch("\(base)/page-0.html")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<inFlight {
                    group.addTask { try await client.fetch("\(base)/upstream/gather?n=\(index)").status }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            await client.shutdown()
            #expect(first.status == 200)
            #expect(statuses == Array(repeating: 200, count: inFlight))
            // Lines: connection number, protocol, URI, "r" (session resumed) or ".".
            let log = await Self.accessLog(of: nginx, count: inFlight + 1)
            let firstConnection = try #require(log.first?.first)
            #expect(log.first?.last == ".", "the first connection did the full handshake")
            let later = log.filter { $0.first != firstConnection }
            #expect(Set(later.compactMap(\.first)).count >= inFlight - 1, "every request but one had a new connection")
            let notResumed = later.filter { $0.last != "r" }.map { $0.joined(separator: " ") }
            #expect(notResumed.isEmpty, "connections that did a full handshake: \(notResumed)")
        }
    }

    @Test("Over TLS 1.3, each new connection resumes with the tickets of the one before, though every request has a new handle")
    func ticketsResumedAcrossHandles() async throws {
        let nginx = try await NginxServer.start()
        defer { nginx.stop() }
        // No idle handles kept: every request runs on a handle of its own.
        var configuration = Self.trusting(nginx)
        configuration.idleHandlePoolSize = 0
        let client = try FetchClient(configuration: configuration)
        for index in 0..<5 {
            // A new connection each time (nginx closes it after the response).
            let request = Request(url: "https://127.0.0.1:\(nginx.tls13Port)/page-\(index).html", headers: ["Connection": "close"])
            #expect(try await client.fetch(request).status == 200)
        }
        await client.shutdown()
        let log = await Self.accessLog(of: nginx, count: 5)
        #expect(Set(log.compactMap(\.first)).count == 5, "five connections")
        #expect(log.map(\.last) == [".", "r", "r", "r", "r"], "\(log.map { $0.joined(separator: " ") })")
    }

    @Test("A cached session never lets an unverifiable certificate through: another port, or the same server by another name")
    func verificationStillRefuses() async throws {
        let nginx = try await NginxServer.start()
        defer { nginx.stop() }
        let client = try FetchClient(configuration: Self.trusting(nginx))
        let trusted = try await client.fetch("https://127.0.0.1:\(nginx.tlsPort)/page-1.html")
        #expect(trusted.status == 200)
        // Same address, a certificate the client does not trust.
        let otherPort = await fetchError { () async throws(FetchError) in
            try await client.fetch("https://127.0.0.1:\(nginx.untrustedTLSPort)/page-1.html")
        }
        // The same server (which would resume the session above) by a name its certificate does not carry.
        let otherName = await fetchError { () async throws(FetchError) in
            try await client.fetch("https://localhost:\(nginx.tlsPort)/page-1.html")
        }
        let again = try await client.fetch("https://127.0.0.1:\(nginx.tlsPort)/page-2.html")
        await client.shutdown()
        #expect(otherPort?.kind == .tls)
        #expect(otherName?.kind == .tls)
        #expect(again.status == 200)
    }
}
