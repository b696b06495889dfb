import AsyncURL
import Foundation
import TestServer
import Testing

@Suite("Many transfers at once")
struct ConcurrencyTests {
    @Test("1,000 concurrent transfers all complete with the right bodies")
    func thousand() async throws {
        try await withServer { server, client in
            let count = 1000
            let statuses = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
                for index in 0..<count {
                    group.addTask {
                        let response = try await client.fetch(server.url("/bytes/\(1000 + index)"))
                        return (index, response.status, response.body.count)
                    }
                }
                var seen: [(Int, Int, Int)] = []
                for try await result in group { seen.append(result) }
                return seen
            }
            #expect(statuses.count == count)
            #expect(statuses.allSatisfy { $0.1 == 200 && $0.2 == 1000 + $0.0 })
            #expect(server.maxConcurrentConnections > 1)
        }
    }

    @Test("Sequential requests to one host reuse the connection")
    func connectionReuse() async throws {
        try await withServer { server, client in
            for index in 0..<20 {
                let status1 = try await client.fetch(server.url("/echo?i=\(index)")).status
                #expect(status1 == 200)
            }
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test("The connections of a burst of transfers are kept for the next burst")
    func burstsReuseConnections() async throws {
        try await withServer { server, client in
            // Each burst's 16 transfers overlap (every answer waits 100 ms), so
            // the first opens up to 16 connections. They are idle between the
            // bursts, when no transfer runs: libcurl's default cache size
            // (four per transfer running now) had closed all but a few, and
            // the second burst opened them again.
            for _ in 0..<2 {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<16 {
                        group.addTask { try await client.fetch(server.url("/delay/100?i=\(index)")).status }
                    }
                    for try await status in group { #expect(status == 200) }
                }
            }
            let firstBurst = server.maxConcurrentConnections
            #expect(firstBurst > 4, "the first burst's transfers overlapped")
            #expect(server.acceptedConnections == firstBurst, "the second burst opened no connection of its own")
        }
    }

    @Test("The per-host connection limit holds")
    func perHostLimit() async throws {
        var configuration = FetchClient.Configuration()
        configuration.maxConnectionsPerHost = 4
        try await withServer(configuration: configuration) { server, client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await client.fetch(server.url("/delay/20")).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(server.maxConcurrentConnections <= 4)
        }
    }
}

@Suite("The queue API (AsyncURLFetch)")
struct QueueAPITests {
    @Test("parallel() returns one result per queued session, in queue order")
    func parallelOrder() async throws {
        try await withServer { server, client in
            // Counts requests between their arrival and the moment before their
            // response is written: the client can only start another request
            // after receiving a response, so the count never runs ahead.
            let inFlight = RequestCounter()
            server.addRoute("/counted") { request in
                // Held (at most 2 s) until a second is in progress: overlap shows however loaded the machine is.
                await inFlight.enterAndAwaitCompany()
                try? await Task.sleep(for: .milliseconds(Int(request.queryValue("ms") ?? "") ?? 0))
                inFlight.leave()
                return TestResponse(text: "counted")
            }
            let fetch = AsyncURLFetch(client: client, maxConcurrency: 8)
            for index in 0..<50 {
                var session = AsyncURLSession()
                session.fetchURL = server.url("/counted?ms=\((50 - index) % 7)&i=\(index)")
                session.userData = index
                fetch.queue.putNowait(session)
            }
            var post = AsyncURLSession()
            post.fetchURL = server.url("/echo")
            post.fetchMethod = .post
            post.headers = ["X-From": "queue"]
            post.body = Data("queued body".utf8)
            fetch.queue.putNowait(post)
            fetch.queue.putNowait(AsyncURLSession(fetchURL: "http://127.0.0.1:1/refused"))

            let results = await fetch.parallel()
            #expect(results.count == 52)
            #expect(results.map(\.index) == Array(0..<52))
            for index in 0..<50 {
                #expect(results[index].session.userData as? Int == index)
                #expect(results[index].response?.status == 200)
            }
            let echo = try Echo(try results[50].result.get())
            #expect(echo.method == "POST")
            #expect(echo.header("x-from") == "queue")
            #expect(echo.body == "queued body")
            #expect(results[51].response == nil)
            #expect(fetch.queue.isEmpty)
            #expect(inFlight.maximum <= 8)
            #expect(inFlight.maximum > 1)
        }
    }

    @Test("completions() yields every result as it completes")
    func streaming() async throws {
        try await withServer { server, client in
            let fetch = AsyncURLFetch(client: client, maxConcurrency: 4)
            fetch.queue.putNowait(contentsOf: (0..<20).map { AsyncURLSession(fetchURL: server.url("/status/200?i=\($0)")) })
            var indices: Set<Int> = []
            for await result in fetch.completions() {
                #expect(result.response?.status == 200)
                indices.insert(result.index)
            }
            #expect(indices == Set(0..<20))
        }
    }

    @Test("Ending the stream early cancels what is still running")
    func earlyExit() async throws {
        try await withServer { server, client in
            let fetch = AsyncURLFetch(client: client, maxConcurrency: 2)
            fetch.queue.putNowait(AsyncURLSession(fetchURL: server.url("/status/200")))
            for _ in 0..<5 {
                fetch.queue.putNowait(AsyncURLSession(fetchURL: server.url("/hang"), timeouts: Timeouts(total: .seconds(60))))
            }
            for await result in fetch.completions() {
                #expect(result.response?.status == 200)
                break
            }
            // The client still works after the abandoned run.
            let status2 = try await client.fetch(server.url("/status/201")).status
            #expect(status2 == 201)
        }
    }
}
