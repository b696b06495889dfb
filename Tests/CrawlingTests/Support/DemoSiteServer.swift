import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves a generated site (Examples/demo-site by default) with nginx on
/// 127.0.0.1, through `scripts/site-server.sh`, for end-to-end crawl tests.
/// The generated site's redirects are nginx rules, so nginx serves it.
struct DemoSiteServer {
    let port: Int
    let runDirectory: String
    let siteDirectory: String

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(site: String = "Examples/demo-site") throws -> DemoSiteServer {
        let port = try freePort()
        let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-site-\(UUID().uuidString)").path
        let siteDirectory = repositoryRoot.appendingPathComponent(site).path
        let server = DemoSiteServer(port: port, runDirectory: runDirectory, siteDirectory: siteDirectory)
        try server.script(["start", siteDirectory, "--port", String(port), "--run-dir", runDirectory])
        return server
    }

    func stop() {
        try? script(["stop", "--port", String(port), "--run-dir", runDirectory])
        try? FileManager.default.removeItem(atPath: runDirectory)
    }

    /// The manifest's URL paths.
    func manifest() throws -> Set<String> {
        let text = try String(contentsOfFile: siteDirectory + "/manifest.txt", encoding: .utf8)
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// The paths reachable only through nofollow links.
    func nofollowOnly() throws -> Set<String> {
        let data = try Data(contentsOf: URL(fileURLWithPath: siteDirectory + "/manifest.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return Set((object?["nofollow_only"] as? [String]) ?? [])
    }

    private func script(_ arguments: [String]) throws {
        let tool = Self.repositoryRoot.appendingPathComponent("scripts/site-server.sh").path
        var argv: [UnsafeMutablePointer<CChar>?] = (["/bin/bash", tool] + arguments).map { strdup($0) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ) == 0 else {
            throw SiteServerError(message: "cannot run scripts/site-server.sh")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else { throw SiteServerError(message: "scripts/site-server.sh \(arguments.first ?? "") failed (\(status))") }
    }

    private static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw SiteServerError(message: "socket() failed") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(socketFD, pointer, length) == 0 else { return -1 }
                return getsockname(socketFD, pointer, &length)
            }
        }
        guard result == 0 else { throw SiteServerError(message: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct SiteServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
