import CEpoll
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts helper programs (nginx, openssl, scripts) for tests and finds free
/// loopback ports. Uses `posix_spawn` rather than Foundation's `Process`,
/// whose descriptor scan trips AddressSanitizer.
public enum ChildProcess {
    /// Why a program could not be run.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// Starts `tool` with `arguments`, standard input from /dev/null, its
    /// output discarded (or appended to `standardOutput`, and standard error
    /// to `standardError`, when given; the same path takes both), this
    /// process's environment plus `environment`; returns its pid.
    public static func spawn(
        _ tool: String, _ arguments: [String], standardOutput: String? = nil, standardError: String? = nil,
        environment: [String: String] = [:]
    ) throws(Failure) -> pid_t {
        var argv: [UnsafeMutablePointer<CChar>?] = ([tool] + arguments).map { strdup($0) }
        argv.append(nil)
        defer { for argument in argv { free(argument) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let standardError, standardError == standardOutput {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, standardError ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        // Only 0, 1 and 2: a socket of a test server inherited by a child
        // (NIO's accepted sockets are not close-on-exec) stays open as long
        // as the child lives, so the server's close or reset never reaches
        // its client, which then waits for its time-out.
        asyncurl_spawn_close_from(&actions, 3)
        // The child starts with no blocked signals and default handlers: the
        // test runner's threads may block SIGTERM, and a child inheriting that
        // mask would ignore the signal that stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") }
        var inherited = environ
        while let variable = inherited.pointee {
            let name = String(cString: variable).split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if environment[name] == nil { envp.append(strdup(variable)) }
            inherited += 1
        }
        envp.append(nil)
        defer { for variable in envp { free(variable) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, tool, &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failure(description: "cannot start \(tool): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Runs `tool` to the end (killed after 5 minutes); throws unless it
    /// exits with status 0. Waits with `Task.sleep` (see ``exitStatus(of:within:)``).
    public static func run(_ tool: String, _ arguments: [String]) async throws(Failure) {
        let pid = try spawn(tool, arguments)
        guard let status = await exitStatus(of: pid, within: .seconds(300)) else {
            kill(pid, SIGKILL)
            _ = waitForExit(pid, timeout: .seconds(5))
            throw Failure(description: "\(tool) \(arguments.first ?? "") did not finish")
        }
        guard status == 0 else { throw Failure(description: "\(tool) \(arguments.first ?? "") failed with status \(status)") }
    }

    /// Runs `tool` to the end (killed after `timeout`); its wait status (-1
    /// when it was killed) and what it printed on standard output and error.
    /// Waits with `Task.sleep`, so a slow tool does not hold one of the few
    /// threads of the cooperative pool that the tests and their servers share.
    public static func output(of tool: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws(Failure) -> (
        status: Int32, text: String
    ) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pid = try spawn(tool, arguments, standardOutput: path, standardError: path)
        let deadline = ContinuousClock.now + timeout
        var status: Int32?
        while status == nil, ContinuousClock.now < deadline {
            var value: Int32 = 0
            let result = waitpid(pid, &value, WNOHANG)
            if result == pid {
                status = value
            } else if result < 0, errno != EINTR {
                break
            } else {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        if status == nil {
            kill(pid, SIGKILL)
            _ = waitForExit(pid, timeout: .seconds(5))
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return (status ?? -1, text)
    }

    /// Waits (polling with `Task.sleep`, at most `limit`) for a child to exit;
    /// its wait status, or `nil` when it is still running. For long waits in
    /// async tests: the waiting task holds none of the cooperative pool's few
    /// threads, which the clients and crawls of other tests need meanwhile.
    public static func exitStatus(of pid: pid_t, within limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        repeat {
            if let status = waitForExit(pid, timeout: .zero) { return status }
            try? await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        return waitForExit(pid, timeout: .zero)
    }

    /// Stops a child (SIGTERM, then SIGKILL after 5 s) and then runs
    /// `cleanup`. A child that exits within 1 s (the usual case) is reaped
    /// and cleaned up here, before this returns, so a test run that ends
    /// right after leaves nothing behind; a slower one is left to a thread
    /// of its own, so the caller (often a test's `defer` on the cooperative
    /// pool) waits no longer.
    public static func stopInBackground(_ pid: pid_t, then cleanup: @escaping @Sendable () -> Void) {
        kill(pid, SIGTERM)
        if waitForExit(pid, timeout: .seconds(1)) != nil {
            cleanup()
            return
        }
        let reaper = Thread {
            if waitForExit(pid, timeout: .seconds(5)) == nil {
                kill(pid, SIGKILL)
                _ = waitForExit(pid, timeout: .seconds(5))
            }
            cleanup()
        }
        reaper.name = "child-reaper"
        reaper.start()
    }

    /// Waits (polling, at most `timeout`) for a child to exit; its wait
    /// status, or `nil` when it is still running.
    public static func waitForExit(_ pid: pid_t, timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        repeat {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status }
            if result < 0, errno != EINTR { return nil }
            usleep(20_000)
        } while ContinuousClock.now < deadline
        return nil
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(port: Int) -> Bool {
        guard let socketFD = connectedLoopbackSocket(port: port) else { return false }
        _ = close(socketFD)
        return true
    }

    /// A TCP socket connected to 127.0.0.1:`port` (the caller closes it), or `nil` when nothing accepts there.
    public static func connectedLoopbackSocket(port: Int) -> Int32? {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            _ = close(socketFD)
            return nil
        }
        return socketFD
    }

    /// Distinct free ports on 127.0.0.1: every socket stays bound until all
    /// ports are known, so the kernel cannot hand out the same port twice.
    public static func freePorts(_ count: Int) throws(Failure) -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { _ = close(socket) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let (socketFD, port) = try boundLoopbackSocket()
            sockets.append(socketFD)
            ports.append(port)
        }
        return ports
    }

    /// A TCP socket bound to 127.0.0.1 on a port the kernel chose (not
    /// listening), and that port. The caller closes it.
    static func boundLoopbackSocket() throws(Failure) -> (socket: Int32, port: Int) {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Failure(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(socketFD, pointer, length) == 0 else { return -1 }
                return getsockname(socketFD, pointer, &length)
            }
        }
        guard bound == 0 else {
            _ = close(socketFD)
            throw Failure(description: "bind() failed")
        }
        return (socketFD, Int(UInt16(bigEndian: address.sin_port)))
    }
}
