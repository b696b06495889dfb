import Crawling
import Foundation
import Testing

@Suite("Feed exporters")
struct FeedExporterTests {
    struct Page: Encodable {
        var url: String
        var title: String
        var links: Int
        var tags: [String]
        var ok: Bool
    }

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-feed-\(UUID().uuidString)-\(name)").path
    }

    @Test("JSON Lines: one sorted-key object per line, written at once")
    func jsonLines() throws {
        let path = temporaryPath("items.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .jsonLines)
        try feed.write(Page(url: "http://127.0.0.1/a", title: "A \"quoted\"\ntitle", links: 3, tags: ["x"], ok: true))
        // Before close, the line is already in the file (a killed crawl keeps it).
        let early = try String(contentsOfFile: path, encoding: .utf8)
        #expect(early.hasSuffix("\n"))
        try feed.write(Page(url: "http://127.0.0.1/b", title: "B", links: 0, tags: [], ok: false))
        feed.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"links":3,"ok":true,"tags":["x"],"title":"A \"quoted\"\ntitle","url":"http://127.0.0.1/a"}"#)
        #expect(feed.itemCount == 2)
        #expect(throws: FeedError.self) { try feed.write(Page(url: "", title: "", links: 0, tags: [], ok: true)) }
    }

    @Test("CSV: a header from the first item, RFC 4180 quoting, nested values as JSON")
    func csv() throws {
        let path = temporaryPath("items.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .csv)
        try feed.write(Page(url: "http://127.0.0.1/a", title: "Hello, \"world\"", links: 3, tags: ["x", "y"], ok: true))
        try feed.write(["url": "http://127.0.0.1/b", "extra": "dropped"])
        feed.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "links,ok,tags,title,url\r\n3,true,\"[\"\"x\"\",\"\"y\"\"]\",\"Hello, \"\"world\"\"\",http://127.0.0.1/a\r\n,,,,http://127.0.0.1/b\r\n")
        #expect(feed.droppedFieldCount == 1)
    }

    @Test("Many tasks writing at once never interleave lines")
    func concurrentWriters() async throws {
        let path = temporaryPath("concurrent.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .jsonLines)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<250 {
                        try feed.write(["writer": String(writer), "index": String(index), "padding": String(repeating: "p", count: 500)])
                    }
                }
            }
            try await group.waitForAll()
        }
        feed.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2000)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["padding"]?.count == 500)
        }
    }

    @Test("An unwritable path is a FeedError naming the path")
    func unwritable() {
        #expect {
            try FeedExporter(path: "/nonexistent-dir/items.jsonl", format: .jsonLines)
        } throws: { error in
            (error as? FeedError)?.path == "/nonexistent-dir/items.jsonl"
        }
    }
}
