import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback HTTP/1.1 server that test suites start themselves.
///
/// Built on SwiftNIO's async channels, writing the bytes on the wire itself so
/// that hostile behaviours (slow bytes, resets, lies about lengths,
/// decompression bombs) are possible. It listens on 127.0.0.1 (or another
/// loopback address) only. See ``ConnectionHandler`` for the built-in routes.
public final class TestServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The address it listens on.
    public let host: String
    let documentRoot: String?

    private let serverChannel: Channel
    private let acceptTask: NIOLockedValueBox<Task<Void, Never>?>
    let state = NIOLockedValueBox(ServerState())
    private let routes = NIOLockedValueBox<[(prefix: String, handler: @Sendable (TestRequest) async -> TestResponse)]>([])

    struct ServerState {
        var requests: [TestRequest] = []
        var accepted = 0
        var open = 0
        var maxOpen = 0
        var channels: [Int: Channel] = [:]
        var isShutDown = false
    }

    /// Starts a server on a loopback address; port 0 picks a free port.
    public static func start(host: String = "127.0.0.1", port: Int = 0, documentRoot: String? = nil) async throws -> TestServer {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let server = TestServer(listener: listener, host: host, documentRoot: documentRoot)
        // On threads of its own, not the cooperative pool's (see ServerTaskExecutor).
        let task = Task(executorPreference: ServerTaskExecutor.shared) { [server] in
            await server.acceptLoop(listener)
        }
        server.acceptTask.withLockedValue { $0 = task }
        return server
    }

    private init(listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, host: String, documentRoot: String?) {
        self.serverChannel = listener.channel
        self.port = listener.channel.localAddress?.port ?? 0
        self.host = host
        self.documentRoot = documentRoot
        self.acceptTask = NIOLockedValueBox(nil)
    }

    private func acceptLoop(_ listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        let id = state.withLockedValue { state -> Int in
                            state.accepted += 1
                            state.open += 1
                            state.maxOpen = max(state.maxOpen, state.open)
                            state.channels[state.accepted] = connection.channel
                            return state.accepted
                        }
                        group.addTask(executorPreference: ServerTaskExecutor.shared) {
                            await ConnectionHandler(server: self, id: id).run(connection)
                            self.state.withLockedValue { state in
                                state.open -= 1
                                state.channels[id] = nil
                            }
                        }
                    }
                }
            } catch {
                // The listener was closed (shutdown): stop accepting.
            }
        }
    }

    /// `http://HOST:PORT`.
    public var baseURL: String { "http://\(host):\(port)" }

    /// The absolute URL of a path (with query) on this server.
    public func url(_ pathAndQuery: String) -> String {
        baseURL + (pathAndQuery.hasPrefix("/") ? "" : "/") + pathAndQuery
    }

    /// Every request received so far, in arrival order.
    public var recordedRequests: [TestRequest] {
        state.withLockedValue { $0.requests }
    }

    /// How many connections were accepted in all.
    public var acceptedConnections: Int {
        state.withLockedValue { $0.accepted }
    }

    /// The most connections that were open at the same time.
    public var maxConcurrentConnections: Int {
        state.withLockedValue { $0.maxOpen }
    }

    /// Adds a route: requests whose path starts with `pathPrefix` go to `handler`
    /// (checked before the built-in routes, in the order added).
    public func addRoute(_ pathPrefix: String, _ handler: @escaping @Sendable (TestRequest) async -> TestResponse) {
        routes.withLockedValue { $0.append((pathPrefix, handler)) }
    }

    func customRoute(for path: String) -> (@Sendable (TestRequest) async -> TestResponse)? {
        routes.withLockedValue { routes in routes.first { path.hasPrefix($0.prefix) }?.handler }
    }

    /// Records a request; returns its index for ``markAnswered(_:)``.
    func record(_ request: TestRequest) -> Int {
        state.withLockedValue { state in
            state.requests.append(request)
            return state.requests.count - 1
        }
    }

    /// Stamps the recorded request at `index` as answered now (see ``TestRequest/answered``).
    func markAnswered(_ index: Int) {
        let now = ContinuousClock.now
        state.withLockedValue { state in
            if state.requests.indices.contains(index) { state.requests[index].answered = now }
        }
    }

    /// Closes the listener and every connection (hanging ones too), and waits
    /// for their handlers to end. Safe to call more than once.
    public func shutdown() async throws {
        let (channels, task) = state.withLockedValue { state -> ([Channel], Task<Void, Never>?) in
            state.isShutDown = true
            return (Array(state.channels.values), acceptTask.withLockedValue { $0 })
        }
        try? await serverChannel.close()
        for channel in channels {
            try? await channel.close()
        }
        task?.cancel()
        await task?.value
    }

    /// Several kilobytes of text: the decoded body of `/gzip`, `/deflate` and `/brotli`.
    public static let compressibleText: String = (1...200).map { "line \($0) of the compressible test body for AsyncURL\n" }.joined()
}
