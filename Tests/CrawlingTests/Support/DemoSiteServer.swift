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
    /// Whether `siteDirectory` was generated for this server (and is removed by `stop()`).
    var ownsSite = false

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Serves `site` on a free port. A port found free can be taken by
    /// another test before nginx binds it: then another port is tried (3 tries).
    static func start(site: String = "Examples/demo-site") async throws -> DemoSiteServer {
        var lastError: Error = SiteServerError(message: "no free port")
        for _ in 0..<3 {
            guard let port = try ChildProcess.freePorts(1).first else { continue }
            let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-site-\(UUID().uuidString)").path
            let siteDirectory = repositoryRoot.appendingPathComponent(site).path
            let server = DemoSiteServer(port: port, runDirectory: runDirectory, siteDirectory: siteDirectory)
            do {
                try await server.script(["start", siteDirectory, "--port", String(port), "--run-dir", runDirectory])
                return server
            } catch {
                server.stop()
                lastError = error
            }
        }
        throw lastError
    }

    /// Generates the demo site (the arguments that made Examples/demo-site) into a
    /// temporary directory, with robots.txt and the sitemaps naming the serving
    /// origin (the checked-in copy names port 8080), and serves it.
    static func startGenerated(pages: Int = 40, seed: Int = 1) async throws -> DemoSiteServer {
        guard let port = try ChildProcess.freePorts(1).first else { throw SiteServerError(message: "no free port") }
        let temporary = FileManager.default.temporaryDirectory
        let runDirectory = temporary.appendingPathComponent("asyncurl-site-\(UUID().uuidString)").path
        let siteDirectory = temporary.appendingPathComponent("asyncurl-generated-\(UUID().uuidString)").path
        let generator = repositoryRoot.appendingPathComponent("scripts/generate-site.py").path
        var server = DemoSiteServer(port: port, runDirectory: runDirectory, siteDirectory: siteDirectory)
        server.ownsSite = true
        do {
            try await ChildProcess.run(
                "/usr/bin/env",
                [
                    "python3", generator, siteDirectory, "--pages", String(pages), "--seed", String(seed),
                    "--origin", server.baseURL
                ])
            try await server.script(["start", siteDirectory, "--port", String(port), "--run-dir", runDirectory])
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Stops nginx and removes the directories, on a thread of its own: the
    /// caller (often a test's `defer`) does not wait.
    func stop() {
        let tool = Self.repositoryRoot.appendingPathComponent("scripts/site-server.sh").path
        let (port, runDirectory, siteDirectory, ownsSite) = (port, runDirectory, siteDirectory, ownsSite)
        let pid = try? ChildProcess.spawn("/bin/bash", [tool, "stop", "--port", String(port), "--run-dir", runDirectory])
        let cleaner = Thread {
            if let pid { _ = ChildProcess.waitForExit(pid, timeout: .seconds(60)) }
            try? FileManager.default.removeItem(atPath: runDirectory)
            if ownsSite { try? FileManager.default.removeItem(atPath: siteDirectory) }
        }
        cleaner.start()
    }

    /// The manifest's `sitemap` object: the allowed `pages` and the robots-`disallowed` ones it lists, and its `files`.
    func sitemapManifest() throws -> (pages: Set<String>, disallowed: Set<String>, files: [String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: siteDirectory + "/manifest.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let sitemap = object?["sitemap"] as? [String: Any]
        let index = (sitemap?["index"] as? String).map { [$0] } ?? []
        let files = index + ((sitemap?["files"] as? [String]) ?? [])
        return (Set((sitemap?["pages"] as? [String]) ?? []), Set((sitemap?["disallowed"] as? [String]) ?? []), files)
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

    /// Runs scripts/site-server.sh; a failure says what it printed.
    private func script(_ arguments: [String]) async throws {
        let tool = Self.repositoryRoot.appendingPathComponent("scripts/site-server.sh").path
        let (status, text) = try await ChildProcess.output(of: "/bin/bash", [tool] + arguments, timeout: .seconds(120))
        guard status == 0 else { throw SiteServerError(message: "site-server.sh \(arguments.first ?? "") failed (\(status)): \(text)") }
    }
}

struct SiteServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
