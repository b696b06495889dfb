#if canImport(Glibc)
    import Glibc
#endif

/// A port on 127.0.0.1 where connections are refused for as long as this
/// value lives: a socket is bound to it and never listens, so no other
/// process (a test server started meanwhile) can take the port over, as it
/// could a port only found free.
public final class RefusingPort: Sendable {
    /// The port number.
    public let port: Int
    private let socket: Int32

    /// Binds a port the kernel chooses.
    public init() throws(ChildProcess.Failure) {
        (socket, port) = try ChildProcess.boundLoopbackSocket()
    }

    deinit {
        _ = close(socket)
    }
}
