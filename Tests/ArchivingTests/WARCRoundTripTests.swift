import Archiving
import AsyncURL
import Foundation
import TestServer
import Testing

/// Archives real fetches from the loopback test server, then checks the files
/// with warcio (installed by scripts/install-deps.sh into .build-python/venv).
@Suite("WARC archives read back with warcio")
struct WARCRoundTripTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = repositoryRoot.appendingPathComponent(".build-python/venv/bin/python").path
    static let warcio = repositoryRoot.appendingPathComponent(".build-python/venv/bin/warcio").path

    /// Prints one JSON line per record of the files it is given.
    static let reader = repositoryRoot.appendingPathComponent("scripts/warc-records.py").path

    struct Record: Decodable {
        var file: String
        var type: String
        var uri: String?
        var status: String?
        var payload: String
        var concurrent: String?
        var id: String
        var refers: String?
        var ip: String?
        var truncated: String?
    }

    static func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            Issue.record("\(tool) is missing: run scripts/install-deps.sh")
            return (-1, "")
        }
        let result = try await ChildProcess.output(of: tool, arguments)
        return (result.status, result.text)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test(
        "Pages, gzip, chunked bodies, redirects and a POST round-trip through warcio; a repeated payload is a revisit; files roll over with a CDXJ index each"
    )
    func roundTrip() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.shutdown() } }
        let page = Array("<html><body><a href=\"/x\">x</a></body></html>".utf8)
        server.addRoute("/page-a") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: page) }
        server.addRoute("/page-b") { _ in TestResponse(headers: [("Content-Type", "text/html")], body: page) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // A small file size forces a new file every few records.
        let archive = try WARCArchive(settings: WARCSettings(path: directory + "/crawl.warc.gz", maxFileSize: 4_000, writesCDXJ: true))
        let client = try FetchClient()
        var expected: [String: [UInt8]] = [:]
        for path in ["/page-a", "/gzip", "/chunked/70000", "/redirect/2", "/page-b", "/echo", "/bytes/100000"] {
            var request = Request(url: server.url(path), method: path == "/echo" ? .post : .get)
            if path == "/echo" { request.body = Data("name=value".utf8) }
            if path.hasPrefix("/bytes/") {
                // Cut at the size limit, and archived as cut.
                request.maxBodySize = 10_000
                request.truncatesBody = true
            }
            request.capturesExchange = true
            let response = try await client.fetch(request)
            #expect(response.capturedHops.count == response.redirectChain.count + 1)
            try archive.archive(response)
            expected[response.finalURL] = Array(response.body)
        }
        try archive.close()
        #expect(archive.revisitCount == 1)
        #expect(archive.fileCount > 1)
        #expect(expected[server.url("/gzip")] == Array(TestServer.compressibleText.utf8))
        #expect(expected[server.url("/chunked/70000")] == (0..<70000).map { UInt8($0 % 251) })

        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".warc.gz") }.sorted()
        #expect(files.count == archive.fileCount)
        let check = try await Self.run(Self.warcio, ["check"] + files.map { directory + "/" + $0 })
        #expect(check.status == 0, "warcio check: \(check.output)")
        for file in files {
            let modes = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.posixPermissions] as? Int
            #expect(modes == 0o600)
            let index = directory + "/" + file.replacingOccurrences(of: ".warc.gz", with: ".cdxj")
            #expect(FileManager.default.fileExists(atPath: index), "no CDXJ index beside \(file)")
        }
        let read = try await Self.run(Self.python, [Self.reader] + files.map { directory + "/" + $0 })
        #expect(read.status == 0, "\(read.output)")
        let records = try read.output.split(separator: "\n").map { try JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
        #expect(records.filter { $0.type == "warcinfo" }.count == files.count)
        let responses = records.filter { $0.type == "response" }
        let requests = records.filter { $0.type == "request" }
        let revisits = records.filter { $0.type == "revisit" }
        // Seven fetches, one of them through two redirect hops: nine exchanges.
        #expect(responses.count + revisits.count == 9)
        #expect(requests.count == 9)
        let cut = responses.first { $0.uri == server.url("/bytes/100000") }
        #expect(cut?.truncated == "length")
        #expect(cut?.payload.count == 20_000)
        #expect(responses.filter { $0.truncated == "length" }.count == 1)
        for (url, body) in expected where url != server.url("/page-b") {
            let record = responses.first { $0.uri == url }
            #expect(record?.payload == Self.hex(body), "payload of \(url)")
            #expect(record?.ip == "127.0.0.1")
        }
        #expect(revisits.first?.uri == server.url("/page-b"))
        #expect(revisits.first?.refers == server.url("/page-a"))
        #expect(responses.filter { $0.status == "302" }.count == 2)
        // Each request names its response.
        let ids = Set((responses + revisits).map(\.id))
        #expect(requests.allSatisfy { $0.concurrent.map(ids.contains) == true })
        let post = requests.first { $0.uri == server.url("/echo") }
        // The request record's payload is the body that was sent.
        #expect(post?.payload == Self.hex(Array("name=value".utf8)))
    }
}
