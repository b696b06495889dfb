import AsyncURL
import Foundation
import Testing

/// The same behaviours through both event loops (poll is the default the
/// other suites use; these make sure epoll keeps up).
@Suite("Both event loops")
struct EventLoopStrategyTests {
    static let strategies: [FetchClient.EventLoopStrategy] = [.poll, .epoll]

    private func configuration(_ strategy: FetchClient.EventLoopStrategy) -> FetchClient.Configuration {
        var configuration = FetchClient.Configuration()
        configuration.eventLoop = strategy
        return configuration
    }

    @Test("Bodies, redirects and errors", arguments: strategies)
    func basics(strategy: FetchClient.EventLoopStrategy) async throws {
        try await withServer(configuration: configuration(strategy)) { server, client in
            let response = try await client.fetch(server.url("/redirect/2"))
            #expect(response.text == "redirect done")
            #expect(response.redirectChain.count == 2)
            let gzip = try await client.fetch(server.url("/gzip"))
            #expect(gzip.text.count > 1000)
            let missing = try await client.fetch(server.url("/status/404"))
            #expect(missing.status == 404)
            let refused = await fetchError { () async throws(FetchError) in try await client.fetch("http://127.0.0.1:1/") }
            #expect(refused?.kind == .connectionFailed)
        }
    }

    @Test("Time-outs fire", arguments: strategies)
    func timeouts(strategy: FetchClient.EventLoopStrategy) async throws {
        try await withServer(configuration: configuration(strategy)) { server, client in
            let total = await fetchError { () async throws(FetchError) in
                try await client.fetch(Request(url: server.url("/hang"), timeouts: Timeouts(total: .seconds(1))))
            }
            #expect(total?.kind == .timeout)
            let idle = await fetchError { () async throws(FetchError) in
                try await client.fetch(
                    Request(url: server.url("/slow-body?bytes=50&interval_ms=3000"), timeouts: Timeouts(idle: .seconds(1))))
            }
            #expect(idle?.kind == .timeout)
        }
    }

    @Test("Cancellation and 300 concurrent transfers", arguments: strategies)
    func concurrency(strategy: FetchClient.EventLoopStrategy) async throws {
        try await withServer(configuration: configuration(strategy)) { server, client in
            // A transfer that never gets an answer must not hold up the others
            // to the same host: it may wait 120 s, they may wait 60 s.
            let hanging = Task { () async throws(FetchError) -> Response in
                try await client.fetch(Request(url: server.url("/hang"), timeouts: Timeouts(total: .seconds(120), idle: .seconds(120))))
            }
            for _ in 0..<500 where !server.recordedRequests.contains(where: { $0.path == "/hang" }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        // Stalled behind the hanging transfer, these would time out.
                        let request = Request(url: server.url("/chunked/\(index * 100)"), timeouts: Timeouts(total: .seconds(60)))
                        return try await client.fetch(request).body.count
                    }
                }
                var all: [Int] = []
                for try await size in group { all.append(size) }
                return all.sorted()
            }
            #expect(sizes == (0..<300).map { $0 * 100 })
            hanging.cancel()
            if case .failure(let error) = await hanging.result {
                #expect((error as? FetchError)?.kind == .cancelled)
            } else {
                Issue.record("a cancelled fetch returned a response")
            }
        }
    }

    @Test("A persistent epoll_wait error is counted and backed off (no spinning), time-outs still fire, and the client shuts down")
    func brokenWaitBacksOff() async throws {
        try await withServer(configuration: configuration(.epoll)) { server, client in
            let before = try await client.fetch(server.url("/status/404"))
            #expect(before.status == 404)
            #expect(client.eventLoopErrors == 0)
            // From now on every epoll_wait of the loop fails with EINVAL.
            client.breakEventLoopWaitForTesting()
            let hung = await fetchError { () async throws(FetchError) in
                try await client.fetch(Request(url: server.url("/hang"), timeouts: Timeouts(total: .seconds(2))))
            }
            #expect(hung?.kind == .timeout)
            let errors = client.eventLoopErrors
            #expect(errors > 0)
            // A loop that retried at once would fail millions of times in these
            // seconds; pausing 1 ms doubling to 1 s allows about a dozen.
            #expect(errors < 100, "\(errors) failed waits")
        }
    }
}
