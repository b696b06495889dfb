import DistributedFrontier
import TestServer
import Testing

@Suite("RedisConnection")
struct RedisConnectionTests {
    @Test("Arguments and replies are binary safe")
    func binarySafe() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        let value: [UInt8] = [0, 13, 10, 255, 36, 42, 0]
        #expect(try await connection.send([Array("SET".utf8), [0, 1, 2], value]) == .status("OK"))
        #expect(try await connection.send([Array("GET".utf8), [0, 1, 2]]) == .string(value))
        #expect(try await connection.send("GET", "missing") == .null)
    }

    @Test("Pipelined and concurrent commands get their own replies, in order")
    func pipelining() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        let replies = try await connection.pipeline((0..<100).map { _ in [Array("INCR".utf8), Array("counter".utf8)] })
        #expect(replies == (1...100).map { .integer(Int64($0)) })
        let results = try await withThrowingTaskGroup(of: (Int, RedisReply).self) { group in
            for task in 0..<50 {
                group.addTask {
                    _ = try await connection.send("SET", "key-\(task)", "value-\(task)")
                    return (task, try await connection.send("GET", "key-\(task)"))
                }
            }
            var all: [Int: RedisReply] = [:]
            for try await (task, reply) in group { all[task] = reply }
            return all
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { $0.value.text == "value-\($0.key)" })
    }

    @Test("Error replies are values; scripts survive SCRIPT FLUSH")
    func errorsAndScripts() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        guard case .error(let message) = try await connection.send("NOSUCHCOMMAND") else {
            Issue.record("no error reply")
            return
        }
        #expect(message.contains("unknown command"))
        let script = "return ARGV[1] .. '!'"
        #expect(try await connection.evaluate(script, arguments: [Array("hi".utf8)]).text == "hi!")
        _ = try await connection.send("SCRIPT", "FLUSH")
        #expect(try await connection.evaluate(script, arguments: [Array("again".utf8)]).text == "again!")
        await #expect(throws: RedisError.self) {
            _ = try await connection.evaluate("return redis.error_reply('boom')", arguments: [])
        }
    }

    @Test("A refused connection is a typed error with the address")
    func refused() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        do {
            _ = try await RedisConnection.connect(host: "127.0.0.1", port: port, connectTimeout: .seconds(2))
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.address == "127.0.0.1:\(port)")
            if case .connect = error.cause {} else { Issue.record("unexpected cause \(error.cause)") }
        }
    }

    @Test("After the server restarts, the next command reconnects")
    func reconnects() async throws {
        let server = try RedisTestServer.start()
        defer { server.stop() }
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        #expect(try await connection.send("PING") == .status("PONG"))
        // CLIENT KILL drops this connection on the server side.
        let other = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        _ = try await other.send("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
        var answered = false
        for _ in 0..<3 where !answered {
            answered = (try? await connection.send("PING")) == .status("PONG")
        }
        #expect(answered)
    }
}
