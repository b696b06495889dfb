import Foundation
import TestServer
import Testing

/// `asyncurl-crawl --warc` on the demo site (nginx on 127.0.0.1), read back
/// with warcio (installed by scripts/install-deps.sh into .build-python/venv).
@Suite("asyncurl-crawl --warc")
struct WARCCrawlTests {
    struct Record: Decodable {
        var type: String
        var uri: String?
        var status: String?
        var payload: String
    }

    struct Page: Decodable {
        var url: String
        var redirects: [String]?
    }

    static let venv = DemoSiteServer.repositoryRoot.appendingPathComponent(".build-python/venv/bin").path
    static let reader = DemoSiteServer.repositoryRoot.appendingPathComponent("scripts/warc-records.py").path

    @Test(
        "Every fetch of a crawl is archived: warcio check passes, each page's payload is the file nginx served, robots.txt and redirect hops included, files roll over with a CDXJ index each, mode 0600"
    )
    func demoSite() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.venv + "/warcio") else {
            Issue.record("warcio is missing: run scripts/install-deps.sh")
            return
        }
        let site = try await DemoSiteServer.start()
        defer { site.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warc-crawl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let process = try CrawlCommandProcess(
            [
                site.baseURL + "/", "--output", directory + "/pages.jsonl", "--warc", directory + "/crawl.warc.gz",
                "--warc-cdx", "--warc-max-size", "300000", "--quiet"
            ], logPath: directory + "/crawl.log")
        let code = await process.waitForExit()
        #expect(code == 0, "\((try? String(contentsOfFile: directory + "/crawl.log", encoding: .utf8)) ?? "")")

        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let files = names.filter { $0.hasSuffix(".warc.gz") }.sorted().map { directory + "/" + $0 }
        #expect(files.count > 1, "the size limit should have started more than one file")
        let check = try await ChildProcess.output(of: Self.venv + "/warcio", ["check"] + files)
        #expect(check.status == 0, "warcio check: \(check.text)")
        for file in files {
            #expect(names.contains(URL(fileURLWithPath: file).lastPathComponent.replacingOccurrences(of: ".warc.gz", with: ".cdxj")))
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        let read = try await ChildProcess.output(of: Self.venv + "/python", [Self.reader] + files)
        #expect(read.status == 0, "\(read.text)")
        let records = try read.text.split(separator: "\n").map { try JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
        let responses = records.filter { $0.type == "response" || $0.type == "revisit" }
        // One request record per response (a URL fetched twice, as a redirect's target and on its own, has two of each).
        #expect(records.filter { $0.type == "request" }.count == responses.count)
        let archived = Dictionary(
            responses.compactMap { record in record.uri.map { ($0, record) } }, uniquingKeysWith: { first, _ in first })
        #expect(archived[site.baseURL + "/robots.txt"] != nil)

        let pages = try String(contentsOfFile: directory + "/pages.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Page.self, from: Data($0.utf8)) }
        #expect(pages.count > 20)
        var comparedBodies = 0
        for page in pages {
            for url in [page.url] + (page.redirects ?? []) {
                #expect(archived[url] != nil, "no response record for \(url)")
            }
            // Pages served straight from a file: the payload is the file's bytes.
            guard let record = archived[page.url], record.type == "response", record.status == "200", page.redirects == nil,
                var path = URL(string: page.url)?.path, URL(string: page.url)?.query == nil
            else { continue }
            if path.hasSuffix("/") { path += "index.html" }
            guard let file = FileManager.default.contents(atPath: site.siteDirectory + path) else { continue }
            #expect(record.payload == file.map { String(format: "%02x", $0) }.joined(), "payload of \(page.url)")
            comparedBodies += 1
        }
        #expect(comparedBodies > 20)
    }
}
