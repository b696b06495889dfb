import AsyncURL
import Foundation
import TestServer
import Testing

@Suite("Time-outs, broken connections and cancellation")
struct FailureTests {
    @Test("A server that never answers hits the total time-out")
    func totalTimeout() async throws {
        try await withServer { server, client in
            let request = Request(url: server.url("/hang"), timeouts: Timeouts(total: .seconds(1)))
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(request) }
            #expect(error?.kind == .timeout)
            #expect(error?.curlCode == 28)
        }
    }

    @Test("A body that stalls hits the idle time-out")
    func idleTimeout() async throws {
        try await withServer { server, client in
            let request = Request(
                url: server.url("/slow-body?bytes=100&interval_ms=3000"), timeouts: Timeouts(total: .seconds(30), idle: .seconds(1)))
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(request) }
            #expect(error?.kind == .timeout)
        }
    }

    @Test("A slow but steady server is waited for")
    func slowServer() async throws {
        try await withServer { server, client in
            let response = try await client.fetch(server.url("/slow-body?bytes=8&interval_ms=100"))
            #expect(response.body.count == 8)
            let headers = try await client.fetch(server.url("/slow-headers?interval_ms=5"))
            #expect(headers.status == 200)
        }
    }

    @Test("A slow server does not hold up the others")
    func slowDoesNotBlock() async throws {
        try await withServer { server, client in
            let slow = Task { try await client.fetch(Request(url: server.url("/hang"), timeouts: Timeouts(total: .seconds(20)))) }
            for index in 0..<20 {
                let response = try await client.fetch(server.url("/status/200?i=\(index)"))
                #expect(response.status == 200)
            }
            slow.cancel()
            _ = await slow.result
        }
    }

    @Test("Broken connections are connectionLost", arguments: ["/reset-before-headers", "/reset-mid-body", "/short-body"])
    func broken(path: String) async throws {
        try await withServer { server, client in
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(server.url(path)) }
            #expect(error?.kind == .connectionLost)
            #expect(error?.isTransient == true)
        }
    }

    @Test("A reset reaches the client while a child process started during the connection still runs")
    func resetWithChildRunning() async throws {
        try await withServer { server, client in
            let request = Request(url: server.url("/reset-before-headers?after_ms=500"), timeouts: Timeouts(idle: .seconds(20)))
            let fetch = Task { await fetchError { () async throws(FetchError) in try await client.fetch(request) } }
            for _ in 0..<2_000 where server.recordedRequests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            // A child that inherited the server's socket would keep the
            // connection open after the server's reset, until the time-out.
            let child = try ChildProcess.spawn("/bin/sleep", ["30"])
            defer {
                kill(child, SIGKILL)
                _ = ChildProcess.waitForExit(child, timeout: .seconds(5))
            }
            let error = await fetch.value
            #expect(!server.recordedRequests.isEmpty)
            #expect(error?.kind == .connectionLost)
        }
    }

    @Test("A closed port is connectionFailed")
    func closedPort() async throws {
        let client = try FetchClient()
        let error = await fetchError { () async throws(FetchError) in try await client.fetch("http://127.0.0.1:1/") }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.url == "http://127.0.0.1:1/")
        await client.shutdown()
    }

    @Test("https to a plain-HTTP port fails with a TLS error")
    func tlsToPlainPort() async throws {
        try await withServer { server, client in
            let url = server.url("/echo").replacingOccurrences(of: "http://", with: "https://")
            let error = await fetchError { () async throws(FetchError) in try await client.fetch(url) }
            #expect(error?.kind == .tls)
        }
    }

    @Test("Cancelling the task cancels the transfer, and the client goes on working")
    func cancellation() async throws {
        try await withServer { server, client in
            let task = Task { () async throws(FetchError) -> Response in
                try await client.fetch(Request(url: server.url("/hang"), timeouts: Timeouts(total: .seconds(60))))
            }
            // Wait until the request reached the server, then cancel.
            for _ in 0..<500 where !server.recordedRequests.contains(where: { $0.path == "/hang" }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            task.cancel()
            let outcome = await task.result
            guard case .failure(let error) = outcome else {
                Issue.record("a cancelled fetch returned a response")
                return
            }
            #expect((error as? FetchError)?.kind == .cancelled)
            let status1 = try await client.fetch(server.url("/status/204")).status
            #expect(status1 == 204)
        }
    }

    @Test("A task cancelled before it starts fails at once")
    func cancelledBeforeStart() async throws {
        try await withServer { server, client in
            let task = Task { () async throws(FetchError) -> Response in
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.fetch(server.url("/echo"))
            }
            let outcome = await task.result
            guard case .failure(let error) = outcome else {
                Issue.record("a cancelled fetch returned a response")
                return
            }
            #expect((error as? FetchError)?.kind == .cancelled)
        }
    }

    @Test("Shutting the client down fails what is in flight and later fetches")
    func shutdown() async throws {
        let server = try await TestServer.start()
        let client = try FetchClient()
        let pending = Task { () async throws(FetchError) -> Response in try await client.fetch(server.url("/hang")) }
        for _ in 0..<500 where !server.recordedRequests.contains(where: { $0.path == "/hang" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        await client.shutdown()
        if case .failure(let error) = await pending.result {
            #expect((error as? FetchError)?.kind == .cancelled)
        } else {
            Issue.record("a fetch in flight at shutdown returned a response")
        }
        let late = await fetchError { () async throws(FetchError) in try await client.fetch(server.url("/echo")) }
        #expect(late?.kind == .cancelled)
        try await server.shutdown()
    }
}
