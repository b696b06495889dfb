import DistributedFrontier
import TestServer

extension RedisTestServer {
    /// Starts a server when `frontier` is `"redis"` (a test's argument that
    /// runs it in one process and through Redis); `nil` otherwise.
    static func start(forFrontier frontier: String) throws -> RedisTestServer? {
        frontier == "redis" ? try start() : nil
    }

    /// The address of crawl `name` in this server.
    func frontierURL(name: String) throws -> RedisFrontierURL {
        try RedisFrontierURL(host: "127.0.0.1", port: port, name: name)
    }
}
