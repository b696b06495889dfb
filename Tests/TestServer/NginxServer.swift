import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An nginx process the tests start on 127.0.0.1 for what the NIO test server
/// does not speak: HTTP/2 (cleartext prior knowledge and over TLS) and TLS
/// with self-signed certificates (and whether a connection resumed a TLS
/// session, in its access log). Installed by `scripts/install-deps.sh`.
public final class NginxServer: Sendable {
    /// The directory holding its configuration, certificate, logs and pages.
    public let directory: URL
    /// The port serving HTTP/2 in clear text (prior knowledge).
    public let h2cPort: Int
    /// The port serving HTTPS (HTTP/2 and HTTP/1.1) with a self-signed
    /// certificate for 127.0.0.1 (``certificateFile``).
    public let tlsPort: Int
    /// The port serving HTTPS with another self-signed certificate for
    /// 127.0.0.1, one that ``certificateFile`` does not vouch for.
    public let untrustedTLSPort: Int
    /// The port serving HTTPS with ``certificateFile``'s certificate over TLS 1.3 only.
    public let tls13Port: Int
    private let pid: Int32

    /// The nginx binary, when installed.
    public static var binary: String? {
        ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The certificate of ``tlsPort`` (PEM): a client that trusts it verifies that port.
    public var certificateFile: URL { directory.appendingPathComponent("cert.pem") }

    /// Starts nginx on four free loopback ports, serving `page-0.html` ... `page-99.html`;
    /// with `upstreamPort`, ``tlsPort`` also passes `/upstream/PATH` on to
    /// `http://127.0.0.1:upstreamPort/PATH` (a test server that decides when to answer).
    public static func start(upstreamPort: Int? = nil) async throws -> NginxServer {
        guard let binary else { throw NginxError("nginx is not installed (scripts/install-deps.sh installs it)") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-nginx-\(UUID().uuidString)")
        let www = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        for index in 0..<100 {
            try Data("<html><body>page \(index)</body></html>".utf8).write(to: www.appendingPathComponent("page-\(index).html"))
        }
        try await makeCertificate(key: ["rsa:2048"], name: "", in: directory)
        try await makeCertificate(key: ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"], name: "untrusted-", in: directory)
        let ports = try ChildProcess.freePorts(4)
        let path = directory.path
        let config = configuration(path: path, ports: (ports[0], ports[1], ports[2], ports[3]), upstreamPort: upstreamPort)
        let configFile = directory.appendingPathComponent("nginx.conf")
        try Data(config.utf8).write(to: configFile)
        let pid = try ChildProcess.spawn(binary, ["-c", configFile.path, "-p", path, "-e", "\(path)/error.log"])
        let server = NginxServer(directory: directory, ports: ports, pid: pid)
        // Wait (bounded) until every port accepts connections.
        for _ in 0..<200 {
            if ports.allSatisfy(canConnect) { return server }
            try? await Task.sleep(for: .milliseconds(25))
        }
        server.stop()
        throw NginxError(
            "nginx did not start: \((try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? "")")
    }

    /// The nginx.conf of ``start(upstreamPort:)``.
    private static func configuration(path: String, ports: (h2c: Int, tls: Int, untrusted: Int, tls13: Int), upstreamPort: Int?) -> String {
        let upstream = upstreamPort.map { "location /upstream/ { proxy_pass http://127.0.0.1:\($0)/; }" } ?? ""
        return """
            daemon off;
            worker_processes 1;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log;
            events { worker_connections 4096; }
            http {
                log_format conn '$connection $server_protocol $request_uri $ssl_session_reused';
                access_log \(path)/access.log conn;
                client_body_temp_path \(path)/tmp/body;
                proxy_temp_path \(path)/tmp/proxy;
                fastcgi_temp_path \(path)/tmp/fastcgi;
                uwsgi_temp_path \(path)/tmp/uwsgi;
                scgi_temp_path \(path)/tmp/scgi;
                keepalive_requests 100000;
                server {
                    listen 127.0.0.1:\(ports.h2c) http2;
                    root \(path)/www;
                }
                server {
                    listen 127.0.0.1:\(ports.tls) ssl http2;
                    ssl_certificate \(path)/cert.pem;
                    ssl_certificate_key \(path)/key.pem;
                    # Sessions resume by ID, from this cache (libcurl turns TLS 1.2 tickets off). Not TLS 1.3
                    # (nginx 1.22 offers it only when asked): OpenSSL clients use a TLS 1.3 ticket for one
                    # completed handshake only, so a test's later connections would race that one's new tickets.
                    ssl_session_cache shared:SSL:1m;
                    root \(path)/www;
                    \(upstream)
                }
                server {
                    listen 127.0.0.1:\(ports.tls13) ssl;
                    ssl_certificate \(path)/cert.pem;
                    ssl_certificate_key \(path)/key.pem;
                    ssl_protocols TLSv1.3;
                    root \(path)/www;
                }
                server {
                    listen 127.0.0.1:\(ports.untrusted) ssl;
                    ssl_certificate \(path)/untrusted-cert.pem;
                    ssl_certificate_key \(path)/untrusted-key.pem;
                    root \(path)/www;
                }
            }
            """
    }

    /// A self-signed certificate for 127.0.0.1 (its subject alternative name,
    /// which verification checks), valid for a day: `<name>cert.pem` and `<name>key.pem`.
    private static func makeCertificate(key: [String], name: String, in directory: URL) async throws {
        try await ChildProcess.run(
            "/usr/bin/openssl",
            ["req", "-x509", "-newkey"] + key + [
                "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", directory.appendingPathComponent("\(name)key.pem").path,
                "-out", directory.appendingPathComponent("\(name)cert.pem").path
            ])
    }

    /// `ports`: HTTP/2 cleartext, TLS, untrusted TLS, TLS 1.3.
    private init(directory: URL, ports: [Int], pid: Int32) {
        self.directory = directory
        self.h2cPort = ports[0]
        self.tlsPort = ports[1]
        self.untrustedTLSPort = ports[2]
        self.tls13Port = ports[3]
        self.pid = pid
    }

    /// Stops nginx by its own process id and removes its directory, waiting at
    /// most 1 s (see ``ChildProcess/stopInBackground(_:then:)``).
    public func stop() {
        let directory = self.directory
        ChildProcess.stopInBackground(pid) { try? FileManager.default.removeItem(at: directory) }
    }

    /// nginx's error log so far.
    public func errorLog() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
    }

    /// The access-log lines written so far: `connection-number protocol uri`,
    /// then on the TLS ports `r` when the connection resumed a TLS session, `.` when not.
    public func accessLog() -> [[Substring]] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: " ") }
    }

    private static func canConnect(_ port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Why nginx could not be started.
public struct NginxError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
