import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

#if canImport(Glibc)
    import Glibc
#endif

/// `rediss://`: a redis-server listening for TLS only on 127.0.0.1, with
/// certificates made by the `openssl` command for each test.
@Suite("Redis over TLS (rediss://)", .serialized)
struct RedisTLSTests {
    /// A TLS redis-server whose certificate (from a fresh CA) names `alternativeNames`.
    private struct Fixture {
        let certificates: TestCertificates
        let server: RedisTestServer

        static func start(alternativeNames: [String] = ["DNS:localhost", "IP:127.0.0.1"], options: [String] = []) async throws -> Fixture {
            let certificates = try await TestCertificates.makeAuthority()
            do {
                let issued = try await certificates.issueServer("redis", alternativeNames: alternativeNames)
                return Fixture(certificates: certificates, server: try RedisTestServer.start(options: options, tls: (certificates, issued)))
            } catch {
                certificates.remove()
                throw error
            }
        }

        var trusting: RedisTLS { RedisTLS(caFile: certificates.caFile) }

        func stop() {
            server.stop()
            certificates.remove()
        }
    }

    /// The cause of the error `connect` throws; `nil` when it connects.
    private func failure(_ connect: () async throws(RedisError) -> RedisConnection) async -> RedisError.Cause? {
        do {
            _ = try await connect()
            return nil
        } catch {
            return error.cause
        }
    }

    @Test("Commands go through the TLS bridge, by address and by name; a reconnect after the server dropped the connection works")
    func commandsAndReconnect() async throws {
        let fixture = try await Fixture.start()
        defer { fixture.stop() }
        for host in ["127.0.0.1", "localhost"] {
            let connection = try await RedisConnection.connect(host: host, port: fixture.server.port, tls: fixture.trusting)
            #expect(try await connection.send("PING") == .status("PONG"))
            // Binary-safe and larger than one relay buffer (64 KiB) both ways.
            let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            #expect(try await connection.send([Array("SET".utf8), Array("big".utf8), big]) == .status("OK"))
            #expect(try await connection.send([Array("GET".utf8), Array("big".utf8)]) == .string(big))
            // The server drops every client: the next commands reconnect through a new bridge.
            _ = try await connection.send("CLIENT", "KILL", "TYPE", "normal")
            var answered = false
            for _ in 0..<20 where !answered {
                answered = (try? await connection.send("PING")) == .status("PONG")
            }
            #expect(answered)
        }
    }

    @Test(
        "A server that stops answering: the command times out through the relay, and the next one reconnects; a freed connection closes its TLS connection"
    )
    func timeoutAndRelease() async throws {
        let fixture = try await Fixture.start()
        defer { fixture.stop() }
        let observer = try await RedisConnection.connect(host: "127.0.0.1", port: fixture.server.port, tls: fixture.trusting)
        func clients() async throws -> Int {
            try await observer.send("CLIENT", "LIST").text?.split(separator: "\n").count ?? 0
        }
        do {
            let connection = try await RedisConnection.connect(
                host: "127.0.0.1", port: fixture.server.port, commandTimeout: .milliseconds(300),
                tls: fixture.trusting)
            #expect(try await clients() == 2)
            kill(fixture.server.pid, SIGSTOP)
            await #expect(throws: RedisError.self) { _ = try await connection.send("PING") }
            kill(fixture.server.pid, SIGCONT)
            var answered = false
            for _ in 0..<20 where !answered {
                answered = (try? await connection.send("PING")) == .status("PONG")
            }
            #expect(answered)
        }
        // The connection is gone: its relay ends and the server sees its client leave (within 10 s).
        var remaining = try await clients()
        for _ in 0..<200 where remaining > 1 {
            try await Task.sleep(for: .milliseconds(50))
            remaining = try await clients()
        }
        #expect(remaining == 1)
    }

    @Test("A certificate from an authority the client does not trust is refused as not trusted")
    func untrustedAuthority() async throws {
        let fixture = try await Fixture.start()
        defer { fixture.stop() }
        let other = try await TestCertificates.makeAuthority()
        defer { other.remove() }
        for tls in [RedisTLS(caFile: other.caFile), RedisTLS()] {
            let cause = await failure { () async throws(RedisError) in
                try await RedisConnection.connect(host: "127.0.0.1", port: fixture.server.port, tls: tls)
            }
            guard case .certificateNotTrusted = cause else {
                Issue.record("expected certificateNotTrusted, got \(String(describing: cause))")
                continue
            }
        }
        let error = RedisError(address: "127.0.0.1:1", cause: .certificateNotTrusted("unable to get local issuer certificate"))
        #expect("\(error)".contains("not trusted") && "\(error)".contains("--redis-ca"))
    }

    @Test("A certificate for another name is refused as a hostname mismatch, for an address and for a name")
    func hostnameMismatch() async throws {
        let fixture = try await Fixture.start(alternativeNames: ["DNS:redis.example"])
        defer { fixture.stop() }
        for host in ["127.0.0.1", "localhost"] {
            let cause = await failure { () async throws(RedisError) in
                try await RedisConnection.connect(host: host, port: fixture.server.port, tls: fixture.trusting)
            }
            guard case .hostnameMismatch(let message) = cause else {
                Issue.record("expected hostnameMismatch for \(host), got \(String(describing: cause))")
                continue
            }
            #expect(message.contains(host))
        }
    }

    @Test("AUTH over TLS: the password works, a wrong one is an authentication error; the frontier runs over rediss://")
    func authenticationOverTLS() async throws {
        let fixture = try await Fixture.start(options: ["--requirepass", "s3cret"])
        defer { fixture.stop() }
        let good = try await RedisConnection.connect(
            host: "127.0.0.1", port: fixture.server.port, credentials: RedisCredentials(password: "s3cret"),
            tls: fixture.trusting)
        #expect(try await good.send("PING") == .status("PONG"))
        let cause = await failure { () async throws(RedisError) in
            try await RedisConnection.connect(
                host: "127.0.0.1", port: fixture.server.port, credentials: RedisCredentials(password: "wrong"),
                tls: fixture.trusting)
        }
        guard case .authentication = cause else {
            Issue.record("expected authentication, got \(String(describing: cause))")
            return
        }
        let url = try RedisFrontierURL(parsing: "rediss://:s3cret@127.0.0.1:\(fixture.server.port)/tls", tls: fixture.trusting)
        #expect(url.description == "rediss://***@127.0.0.1:\(fixture.server.port)/tls")
        let frontier = try await RedisFrontier(
            url: url, configuration: FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "T", obeysRobots: false),
            robotsFetcher: { _ in .unreachable })
        #expect(await frontier.addSeeds([RedisFixtures.entry(host: 1, path: "/")]) == [.queued])
        let entry = try #require(await RedisFixtures.bounded { await frontier.next() } ?? nil)
        await frontier.complete(entry, outcome: .success(latency: .milliseconds(1)))
        #expect(await RedisFixtures.bounded { await frontier.next() } == .some(nil))
        try await frontier.close()
    }

    @Test("Mutual TLS: a server that requires client certificates takes one from the CA, and refuses a client without")
    func clientCertificate() async throws {
        let fixture = try await Fixture.start(options: ["--tls-auth-clients", "yes"])
        defer { fixture.stop() }
        let client = try await fixture.certificates.issueServer("client", alternativeNames: ["DNS:crawler"])
        var tls = fixture.trusting
        tls.certificateFile = client.certificateFile
        tls.keyFile = client.keyFile
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: fixture.server.port, tls: tls)
        #expect(try await connection.send("PING") == .status("PONG"))
        // Without a certificate the server ends the handshake (TLS 1.3: after it, at the first read).
        var refused = false
        do {
            let bare = try await RedisConnection.connect(host: "127.0.0.1", port: fixture.server.port, tls: fixture.trusting)
            refused = (try? await bare.send("PING")) == nil
        } catch {
            refused = true
        }
        #expect(refused)
    }
}
