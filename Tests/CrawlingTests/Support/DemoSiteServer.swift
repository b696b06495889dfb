import Foundation
import TestServer
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
        guard let port = try ChildProcess.freePorts(1).first else { throw SiteServerError(message: "no free port") }
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
        try ChildProcess.run("/bin/bash", [tool] + arguments)
    }
}

struct SiteServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
