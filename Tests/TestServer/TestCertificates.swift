import Foundation

/// A throw-away certificate authority and server certificates for TLS tests,
/// made with the `openssl` command in a temporary directory (removed by ``remove()``).
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
    public static func makeAuthority() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try ChildProcess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=AsyncURL test CA", "-keyout", directory + "/ca-key.pem", "-out", directory + "/ca.pem",
        ])
        return certificates
    }

    /// Issues a server certificate for the given subject alternative names
    /// (`DNS:localhost`, `IP:127.0.0.1`).
    /// - Parameters:
    ///   - name: the files' base name.
    ///   - alternativeNames: what the certificate is for.
    public func issueServer(_ name: String, alternativeNames: [String]) throws -> Server {
        let key = directory + "/\(name)-key.pem"
        let request = directory + "/\(name).csr"
        let certificate = directory + "/\(name).pem"
        let extensions = directory + "/\(name).ext"
        try Data("subjectAltName=\(alternativeNames.joined(separator: ","))\n".utf8).write(to: URL(fileURLWithPath: extensions))
        try ChildProcess.run("/usr/bin/openssl", [
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", "/CN=\(name)", "-keyout", key, "-out", request,
        ])
        try ChildProcess.run("/usr/bin/openssl", [
            "x509", "-req", "-in", request, "-CA", caFile, "-CAkey", directory + "/ca-key.pem", "-CAcreateserial",
            "-days", "1", "-extfile", extensions, "-out", certificate,
        ])
        return Server(certificateFile: certificate, keyFile: key)
    }

    /// Removes every file.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
