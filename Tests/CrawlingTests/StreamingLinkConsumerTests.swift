import AsyncURL
import Crawling
import Foundation
import LinkExtraction
import Testing
import TestServer

@Suite("Link extraction while the body streams in")
struct StreamingLinkConsumerTests {
    private static let page = """
    <!doctype html><html><head><base href="/docs/"></head><body>
    \(String(repeating: "<p>filler text to make the body span several chunks</p>\n", count: 3000))
    <a href="guide.html">Guide</a> <a href="../about.html#team" rel="nofollow">About</a>
    <a href="mailto:x@example.com">mail</a>
    </body></html>
    """

    private func fetchLinks(_ server: TestServer, _ path: String, headers: HTTPHeaders = [:]) async throws -> (StreamingLinkConsumer, LinkExtractionResult?, Response) {
        let client = try FetchClient()
        let consumer = StreamingLinkConsumer()
        var request = Request(url: server.url(path), headers: headers)
        request.bodyConsumer = consumer
        request.keepsBody = false
        let response = try await client.fetch(request)
        await client.shutdown()
        return (consumer, consumer.finish(), response)
    }

    @Test("Links of an HTML page are found from the write callback, without keeping the body")
    func htmlPage() async throws {
        let server = try await TestServer.start()
        server.addRoute("/page") { _ in TestResponse(headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(Self.page.utf8)) }
        let (consumer, result, response) = try await fetchLinks(server, "/page")
        try await server.shutdown()
        #expect(response.body.isEmpty)
        #expect(response.decodedBodyBytes > 100_000)
        #expect(consumer.parsedAsHTML)
        let links = result?.links ?? []
        #expect(links.map(\.url) == [server.url("/docs/guide.html"), server.url("/about.html")])
        #expect(links.map(\.isNofollow) == [false, true])
        #expect(links.first?.text == "Guide")
    }

    @Test("A PDF or PNG behind an .html link is not parsed", arguments: ["application/pdf", "image/png"])
    func notHTML(type: String) async throws {
        let server = try await TestServer.start()
        server.addRoute("/file.html") { _ in TestResponse(headers: [("Content-Type", type)], body: Array("%PDF-1.4 <a href=\"/x\">".utf8)) }
        let (consumer, result, _) = try await fetchLinks(server, "/file.html")
        try await server.shutdown()
        #expect(!consumer.parsedAsHTML)
        #expect(result == nil)
    }

    @Test("Without Content-Type, the first bytes decide")
    func sniffing() async throws {
        let server = try await TestServer.start()
        server.addRoute("/html") { _ in TestResponse(body: Array(Self.page.utf8)) }
        server.addRoute("/binary") { _ in TestResponse(body: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00] + Array("<a href=\"/x\">".utf8)) }
        let (htmlConsumer, htmlResult, _) = try await fetchLinks(server, "/html")
        let (binaryConsumer, binaryResult, _) = try await fetchLinks(server, "/binary")
        try await server.shutdown()
        #expect(htmlConsumer.parsedAsHTML)
        #expect(htmlResult?.links.count == 2)
        #expect(!binaryConsumer.parsedAsHTML)
        #expect(binaryResult == nil)
    }

    @Test("Sniffing rules", arguments: [
        ("<!DOCTYPE html><html>", true), ("  \n<html lang=en>", true), ("\u{FEFF}<!-- c --><p>", true),
        ("%PDF-1.7", false), ("{\"json\": true}", false), ("plain text", false), ("", false),
    ])
    func sniffRules(prefix: String, isHTML: Bool) {
        #expect(HTMLSniffer.sniff(Array(prefix.utf8)) == isHTML)
        #expect(HTMLSniffer.verdict(contentType: "text/html; charset=utf-8") == .html)
        #expect(HTMLSniffer.verdict(contentType: "application/pdf") == .notHTML)
        #expect(HTMLSniffer.verdict(contentType: nil) == .needsSniffing)
    }
}
