import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// A throw-away `redis-server` on 127.0.0.1 for the distributed frontier's
/// tests: a free port, no persistence, its own temporary directory; stopped by its pid.
public final class RedisTestServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The server's process id (a new one after ``restart()``).
    public var pid: pid_t { currentPID.withLockedValue { $0 } }
    /// Its working directory (removed by ``stop()``).
    public let directory: String
    private let binary: String
    private let arguments: [String]
    private let currentPID: NIOLockedValueBox<pid_t>

    private init(port: Int, pid: pid_t, directory: String, binary: String, arguments: [String]) {
        self.port = port
        self.currentPID = NIOLockedValueBox(pid)
        self.directory = directory
        self.binary = binary
        self.arguments = arguments
    }

    /// Kills the server with SIGKILL (no shutdown, no final save) and waits for it to exit.
    public func kill() {
        let pid = self.pid
        Glibc.kill(pid, SIGKILL)
        _ = ChildProcess.waitForExit(pid, timeout: .seconds(5))
    }

    /// Starts the server again on the same port, in the same directory (an
    /// append-only file there is loaded), and waits (at most 10 s) until it
    /// answers `PING` with `PONG`: while it loads the file it accepts
    /// connections and answers every command with `-LOADING`, which a test
    /// would take for a failure of the code under test.
    public func restart() throws {
        let pid = try ChildProcess.spawn(binary, arguments)
        currentPID.withLockedValue { $0 = pid }
        for _ in 0..<400 {
            if answersPing() { return }
            if ChildProcess.waitForExit(pid, timeout: .zero) != nil { break }
            usleep(25_000)
        }
        throw ChildProcess.Failure(description: "redis-server did not restart on port \(port)")
    }

    /// Whether the plain-text server on 127.0.0.1:``port`` answers `PING`
    /// with `+PONG` within 1 s (after `AUTH` with its `--requirepass`, if it has one).
    private func answersPing() -> Bool {
        guard let socketFD = ChildProcess.connectedLoopbackSocket(port: port) else { return false }
        defer { _ = close(socketFD) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        _ = setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let password = arguments.lastIndex(of: "--requirepass").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        let commands = (password.map { [["AUTH", $0]] } ?? []) + [["PING"]]
        let request = commands.map { command in
            "*\(command.count)\r\n" + command.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
        }.joined()
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(socketFD, $0.baseAddress, $0.count, 0) }) == bytes.count else { return false }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        // The replies are short: read until PING's has come (or the time-out).
        while reply.count < 1024 {
            let count = chunk.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            reply += chunk[..<count]
            let text = String(decoding: reply, as: UTF8.self)
            if text.contains("+PONG\r\n") { return true }
            if text.contains("-LOADING") || text.contains("-NOAUTH") || text.contains("-WRONGPASS") { return false }
        }
        return false
    }

    /// Starts a server and waits (at most 10 s a try, 3 tries) until it accepts connections.
    /// - Parameters:
    ///   - options: more `redis-server` options (`--cluster-enabled yes`, `--requirepass`, ...).
    ///   - tls: a certificate for TLS: the server then listens for TLS only
    ///     (on ``port``; no plain port) and does not ask clients for certificates.
    public static func start(options: [String] = [], tls: (certificates: TestCertificates, server: TestCertificates.Server)? = nil) throws
        -> RedisTestServer
    {
        guard
            let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            throw ChildProcess.Failure(description: "redis-server is not installed (scripts/install-deps.sh installs it)")
        }
        // A free port can be taken by another test between the check and
        // redis-server's bind: then the server exits, and another port is tried.
        var lastPort = 0
        for _ in 0..<3 {
            guard let port = try ChildProcess.freePorts(1).first else { throw ChildProcess.Failure(description: "no free port") }
            lastPort = port
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-redis-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // Later options win: `--appendonly yes` in `options` turns persistence on.
            let listening =
                tls.map {
                    [
                        "--port", "0", "--tls-port", String(port), "--tls-cert-file", $0.server.certificateFile, "--tls-key-file",
                        $0.server.keyFile,
                        "--tls-ca-cert-file", $0.certificates.caFile, "--tls-auth-clients", "no"
                    ]
                } ?? ["--port", String(port)]
            let arguments =
                listening + [
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory,
                    "--logfile", directory + "/redis.log", "--daemonize", "no"
                ] + options
            let pid = try ChildProcess.spawn(binary, arguments)
            let server = RedisTestServer(port: port, pid: pid, directory: directory, binary: binary, arguments: arguments)
            for _ in 0..<400 {
                if ChildProcess.isListening(port: port) { return server }
                if ChildProcess.waitForExit(pid, timeout: .zero) != nil { break }
                usleep(25_000)
            }
            server.stop()
        }
        throw ChildProcess.Failure(description: "redis-server did not start (last port tried: \(lastPort))")
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its
    /// directory, waiting at most 1 s (see ``ChildProcess/stopInBackground(_:then:)``).
    public func stop() {
        let directory = self.directory
        ChildProcess.stopInBackground(pid) { try? FileManager.default.removeItem(atPath: directory) }
    }
}
