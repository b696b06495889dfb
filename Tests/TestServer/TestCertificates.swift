import Foundation

/// A throw-away certificate authority and server certificates for TLS tests,
/// made with the `openssl` command in a temporary directory (removed by
/// ``remove()``); the command is awaited without holding a thread of the
/// cooperative pool.
public struct TestCertificates: Sendable {
    /// The directory holding every file.
    public let directory: String
    /// The authority's certificate (PEM): what a client trusts.
    public var caFile: String { directory + "/ca.pem" }

    /// A server certificate and its key, signed by the authority.
    public struct Server: Sendable {
        /// The certificate (PEM).
        public let certificateFile: String
        /// Its private key (PEM).
        public let keyFile: String
    }

    private init(directory: String) {
        self.directory = directory
    }

    /// Makes a new authority (an EC P-256 key, valid one day).
    public static func makeAuthority() async throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try await Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=AsyncURL test CA", "-keyout", directory + "/ca-key.pem", "-out", directory + "/ca.pem"
        ])
        return certificates
    }

    /// Issues a server certificate for the given subject alternative names
    /// (`DNS:localhost`, `IP:127.0.0.1`).
    /// - Parameters:
    ///   - name: the files' base name.
    ///   - alternativeNames: what the certificate is for.
    public func issueServer(_ name: String, alternativeNames: [String]) async throws -> Server {
        let key = directory + "/\(name)-key.pem"
        let request = directory + "/\(name).csr"
        let certificate = directory + "/\(name).pem"
        let extensions = directory + "/\(name).ext"
        try Data("subjectAltName=\(alternativeNames.joined(separator: ","))\n".utf8).write(to: URL(fileURLWithPath: extensions))
        try await Self.openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", "/CN=\(name)", "-keyout", key, "-out", request
        ])
        try await Self.openssl([
            "x509", "-req", "-in", request, "-CA", caFile, "-CAkey", directory + "/ca-key.pem", "-CAcreateserial",
            "-days", "1", "-extfile", extensions, "-out", certificate
        ])
        return Server(certificateFile: certificate, keyFile: key)
    }

    /// Runs `openssl` with `arguments`; throws with its output unless it succeeds.
    private static func openssl(_ arguments: [String]) async throws {
        let result = try await ChildProcess.output(of: "/usr/bin/openssl", arguments, timeout: .seconds(60))
        guard result.status == 0 else {
            throw ChildProcess.Failure(description: "openssl \(arguments.first ?? "") failed (\(result.status)): \(result.text)")
        }
    }

    /// Removes every file.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
