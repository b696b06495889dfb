import AsyncURL
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The client's connections are close-on-exec, whatever the address
/// policy: a program the application starts does not keep them open.
@Suite("Connections and child processes")
struct InheritedDescriptorTests {
    /// For each of this process's sockets connected to 127.0.0.1:`port`,
    /// whether it is close-on-exec.
    private static func closeOnExecFlags(ofConnectionsTo port: Int) -> [Bool] {
        let descriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
        return descriptors.compactMap { descriptor -> Bool? in
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
            }
            guard named == 0, address.sin_family == sa_family_t(AF_INET), Int(UInt16(bigEndian: address.sin_port)) == port,
                address.sin_addr.s_addr == inet_addr("127.0.0.1")
            else { return nil }
            let flags = fcntl(descriptor, F_GETFD)
            return flags >= 0 ? flags & FD_CLOEXEC != 0 : nil
        }
    }

    @Test(
        "A connection is close-on-exec, with an address policy that checks addresses and with one that allows any",
        arguments: [false, true])
    func connectionsAreCloseOnExec(allowsAny: Bool) async throws {
        var configuration = FetchClient.Configuration()
        configuration.addressPolicy = allowsAny ? .any : .only { $0.description == "127.0.0.1" }
        try await withServer(configuration: configuration) { server, client in
            // Open for about 2 s: long enough to find its descriptor.
            let transfer = Task { try await client.fetch(server.url("/slow-body?bytes=20&interval_ms=100")) }
            var flags: [Bool] = []
            for _ in 0..<400 where flags.isEmpty {
                flags = Self.closeOnExecFlags(ofConnectionsTo: server.port)
                if flags.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(!flags.isEmpty, "the client's connection to port \(server.port) was found")
            #expect(flags.allSatisfy { $0 })
            #expect(try await transfer.value.body.count == 20)
        }
    }
}
