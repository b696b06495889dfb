#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that is bound but never listens: connections to it
/// are refused at once. The browser is told to use it as its proxy, so any
/// request that request interception did not answer (a service worker's, a
/// WebSocket's) fails instead of reaching the network.
final class DeadProxyPort: Sendable {
    /// The bound port.
    let port: Int
    private let descriptor: Int32

    init() throws(RenderError) {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketDescriptor >= 0 else { throw RenderError.system("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            let error = errno
            Glibc.close(socketDescriptor)
            throw RenderError.system("bind", error)
        }
        descriptor = socketDescriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Releases the port (once; the owner calls it when the browser is gone).
    func close() {
        Glibc.close(descriptor)
    }
}
