import AsyncURLSupport
import CrawlFrontier
import TestServer
import Testing

@testable import DistributedFrontier

#if canImport(Glibc)
    import Glibc
#endif

/// Authentication, and Redis going away: a restart, a kill, an outage longer than the worker waits.
@Suite("Redis authentication and outages", .serialized)
struct RedisOutageTests {
    @Test("AUTH with the password or an ACL user; a wrong or missing password is an authentication error")
    func authentication() async throws {
        let server = try RedisTestServer.start(options: ["--requirepass", "s3cret"])
        defer { server.stop() }
        let good = try await RedisConnection.connect(
            host: "127.0.0.1", port: server.port, credentials: RedisCredentials(password: "s3cret"))
        #expect(try await good.send("PING") == .status("PONG"))
        #expect(try await good.send("ACL", "SETUSER", "crawler", "on", ">crawlpw", "~asyncurl:*", "+@all") == .status("OK"))
        let user = try await RedisConnection.connect(
            host: "127.0.0.1", port: server.port,
            credentials: RedisCredentials(username: "crawler", password: "crawlpw"))
        #expect(try await user.send("SET", "asyncurl:{x}:k", "v") == .status("OK"))
        for credentials in [RedisCredentials(password: "wrong"), nil, RedisCredentials(username: "crawler", password: "s3cret")] {
            do {
                _ = try await RedisConnection.connect(host: "127.0.0.1", port: server.port, credentials: credentials)
                Issue.record("connected with \(String(describing: credentials))")
            } catch {
                guard case .authentication = error.cause else {
                    Issue.record("unexpected cause \(error.cause)")
                    continue
                }
                #expect("\(error)".contains("authentication failed"))
            }
        }
        // The frontier with the password in its URL works; a reconnect authenticates again.
        var url = try RedisFixtures.url(server, name: "auth")
        url.credentials = RedisCredentials(password: "s3cret")
        let frontier = try await RedisFrontier(
            url: url, configuration: FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "T", obeysRobots: false),
            robotsFetcher: { _ in .unreachable })
        #expect(await frontier.addSeeds([RedisFixtures.entry(host: 1, path: "/")]) == [.queued])
        _ = try await good.send("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
        #expect(try #require(await RedisFixtures.bounded { await frontier.next() } ?? nil).url == "http://h1.test:80/")
        try await frontier.close()
    }

    @Test(
        "An ACL user limited as the README says (the crawl's keys, no @dangerous command) runs a crawl: every script, the status, the reset"
    )
    func restrictedACLUser() async throws {
        let server = try RedisTestServer.start(options: ["--requirepass", "s3cret"])
        defer { server.stop() }
        let admin = try await RedisConnection.connect(
            host: "127.0.0.1", port: server.port, credentials: RedisCredentials(password: "s3cret"))
        let created = try await admin.send("ACL", "SETUSER", "crawler", "on", ">crawlpw", "~asyncurl:*", "+@all", "-@dangerous")
        #expect(created == .status("OK"))
        var url = try RedisFixtures.url(server, name: "acl")
        url.credentials = RedisCredentials(username: "crawler", password: "crawlpw")
        let options = RedisFrontierOptions(leaseTimeout: .milliseconds(600), maxIdleWait: .milliseconds(100), maxAttempts: 3)
        let frontier = try await RedisFrontier(
            url: url, configuration: FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "T", obeysRobots: false),
            options: options, robotsFetcher: { _ in .unreachable })
        let seeds = [RedisFixtures.entry(host: 1, path: "/a"), RedisFixtures.entry(host: 1, path: "/b")]
        #expect(await frontier.addSeeds(seeds) == [.queued, .queued])
        // Lease renewals run every 200 ms meanwhile (the renew script); a failing one would end the lease.
        for _ in 0..<2 {
            let entry = try #require(await RedisFixtures.bounded { await frontier.next() } ?? nil)
            try await Task.sleep(for: .milliseconds(700))
            #expect(await frontier.complete(entry, outcome: .success(latency: .zero)) == .done)
        }
        #expect(await RedisFixtures.bounded { await frontier.next() } == .some(nil))
        let status = try await RedisCrawlStatus.read(url)
        #expect(status.done == 2)
        #expect(status.isFinished)
        try await frontier.close()
        #expect(try await RedisCrawlStatus.delete(url) > 0)
    }

    @Test(
        "Redis down for longer than a lease: the first claim after its restart takes back no lease still held; the holder's end is accepted"
    )
    func claimAfterOutageKeepsLeases() async throws {
        let server = try RedisFixtures.startPersistent()
        defer { server.stop() }
        let holder = try await RedisFixtures.frontier(server, leaseTimeout: .milliseconds(600))
        let other = try await RedisFixtures.frontier(server, leaseTimeout: .milliseconds(600))
        _ = await holder.addSeeds([RedisFixtures.entry(host: 1, path: "/held"), RedisFixtures.entry(host: 2, path: "/free")])
        let held = try #require(await RedisFixtures.bounded { await holder.next() } ?? nil)
        // Neither worker renews from here, as while Redis is down; it is down for longer than the 600 ms lease.
        holder.stopRenewing()
        other.stopRenewing()
        try await RedisFixtures.outage(of: server, lasting: .milliseconds(1500))
        // The other worker's claim is the first call after the restart: before the fix it took the held lease back.
        let claimed = try #require(await RedisFixtures.bounded { await other.next() } ?? nil)
        #expect(claimed.url != held.url, "the held URL was not handed out again")
        #expect(await holder.complete(held, outcome: .success(latency: .zero)) == .done, "the holder still held its lease")
        #expect(await other.complete(claimed, outcome: .success(latency: .zero)) == .done)
        let status = try await RedisFixtures.status(server)
        #expect(status.done == 2)
        #expect(status.expiredLeases == 0)
        try await holder.close()
        try await other.close()
    }

    @Test("Writing to a server that was killed is an error, not a SIGPIPE; after a restart the connection works again")
    func brokenPipe() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        #expect(try await connection.send("PING") == .status("PONG"))
        server.kill()
        // 16 MiB: the write goes on after the kernel learnt the peer is gone (EPIPE, and SIGPIPE unless it is handled).
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 16 << 20)
        for _ in 0..<3 {
            await #expect(throws: RedisError.self) { _ = try await connection.send([Array("SET".utf8), Array("big".utf8), big]) }
        }
        try server.restart()
        var answered = false
        for _ in 0..<20 where !answered {
            answered = (try? await connection.send("PING")) == .status("PONG")
            if !answered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answered)
    }

    @Test("With AOF on, a Redis killed and restarted mid-crawl loses nothing: the workers reconnect and finish")
    func restartWithAOF() async throws {
        let server = try RedisFixtures.startPersistent()
        defer { server.stop() }
        let configuration = FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "T", obeysRobots: false)
        let options = RedisFrontierOptions(leaseTimeout: .seconds(60), maxIdleWait: .milliseconds(100), outageTimeout: .seconds(30))
        let url = try RedisFixtures.url(server, name: "aof")
        let frontier = try await RedisFrontier(
            url: url, configuration: configuration, options: options, robotsFetcher: { _ in .unreachable })
        let entries = (0..<60).map { RedisFixtures.entry(host: $0 % 6, path: "/p\($0)") }
        #expect(await frontier.addSeeds(entries).allSatisfy { $0 == .queued })
        var claimed: [String] = []
        for _ in 0..<20 {
            guard let entry = await RedisFixtures.bounded(.seconds(30), { await frontier.next() }) ?? nil else { break }
            claimed.append(entry.url)
            await frontier.complete(entry, outcome: .success(latency: .zero))
        }
        server.kill()
        let restarter = Task.detached {
            try? await Task.sleep(for: .milliseconds(500))
            try server.restart()
        }
        let rest = await RedisFixtures.drain([frontier], tasks: 3)
        try await restarter.value
        claimed += rest.map(\.url)
        #expect(claimed.count == 60)
        #expect(Set(claimed) == Set(entries.map(\.url)))
        let status = try await RedisCrawlStatus.read(url)
        #expect(status.done == 60)
        #expect(status.isFinished)
        #expect(await frontier.redisErrors.count > 0)
        #expect(await frontier.failure == nil)
        try await frontier.close()
    }

    @Test("Redis gone for longer than the outage time-out: the worker gives up with an error")
    func givesUp() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let configuration = FrontierConfiguration(scope: try CrawlScope(hosts: .any), userAgent: "T", obeysRobots: false)
        let options = RedisFrontierOptions(maxIdleWait: .milliseconds(100), outageTimeout: .seconds(1))
        let frontier = try await RedisFrontier(
            url: try RedisFixtures.url(server, name: "gone"), configuration: configuration, options: options,
            robotsFetcher: { _ in .unreachable })
        server.kill()
        let next = await RedisFixtures.bounded(.seconds(20)) { await frontier.next() }
        #expect(next == .some(nil))
        let failure = try #require(await frontier.failure as? RedisError)
        guard case .unavailable = failure.cause else {
            Issue.record("unexpected cause \(failure.cause)")
            return
        }
        #expect("\(failure)".contains("giving up"))
        try await frontier.close()
    }
}
