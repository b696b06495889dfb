import AsyncURL
import Foundation
import TestServer

/// Starts a loopback test server and a client, runs `body`, then stops both.
func withServer<T>(
    configuration: FetchClient.Configuration = FetchClient.Configuration(),
    _ body: (TestServer, FetchClient) async throws -> T
) async throws -> T {
    let server = try await TestServer.start()
    let client = try FetchClient(configuration: configuration)
    do {
        let result = try await body(server, client)
        await client.shutdown()
        try await server.shutdown()
        return result
    } catch {
        await client.shutdown()
        try? await server.shutdown()
        throw error
    }
}

/// The JSON document the server's `/echo` route answers with.
struct Echo: Decodable {
    var method: String
    var path: String
    var query: String
    var headers: [[String]]
    var body: String
    var bodyLength: Int

    init(_ response: Response) throws {
        self = try JSONDecoder().decode(Echo.self, from: response.body)
    }

    /// The first value of a request header the server saw (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.count == 2 && $0[0].lowercased() == name.lowercased() }?[1]
    }
}

/// Runs `operation` and returns the `FetchError` it threw, or `nil` if it did not throw.
func fetchError(_ operation: () async throws(FetchError) -> Response) async -> FetchError? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}

/// Starts one more server (a second origin) for the duration of `body`.
func withExtraServer<T>(_ body: (TestServer) async throws -> T) async throws -> T {
    let server = try await TestServer.start()
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}
