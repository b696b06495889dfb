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
        #expect(
            text
                == "links,ok,tags,title,url\r\n3,true,\"[\"\"x\"\",\"\"y\"\"]\",\"Hello, \"\"world\"\"\",http://127.0.0.1/a\r\n,,,,http://127.0.0.1/b\r\n"
        )
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

    struct Record: Encodable {
        var url: String
        var note: String?
        var count: Int?
    }

    @Test("CSV quoting is decided on scalars: a comma or quote followed by a combining mark is still quoted")
    func csvCombiningMarks() throws {
        let path = temporaryPath("marks.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .csv)
        try feed.write(Record(url: "a,\u{301}b", note: "q\"\u{301}x", count: 1))
        feed.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "count,note,url\r\n1,\"q\"\"\u{301}x\",\"a,\u{301}b\"\r\n")
    }

    @Test("CSV text cells starting with =, +, -, @, tab or CR get a leading quote mark; numbers do not")
    func csvFormulas() throws {
        let path = temporaryPath("formulas.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .csv)
        for note in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain"] {
            try feed.write(Record(url: "u", note: note, count: -5))
        }
        feed.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n")
        #expect(
            Array(lines.dropFirst().prefix(7)) == [
                "-5,'=1+1,u", "-5,'+1,u", "-5,'-1,u", "-5,'@SUM(A1),u", "-5,'\tx,u", "-5,\"'\rx\",u", "-5,plain,u"
            ])
    }

    @Test("The CSV header has every field of the first item's type, nil optionals included")
    func csvHeaderHasEveryField() throws {
        let path = temporaryPath("header.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .csv)
        try feed.write(Record(url: "first", note: nil, count: nil))
        try feed.write(Record(url: "second", note: "n", count: 2))
        feed.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "count,note,url\r\n,,first\r\n2,n,second\r\n")
        #expect(feed.droppedFieldCount == 0)
    }

    @Test("Given CSV columns are kept in their order; fields outside them are counted as dropped")
    func csvGivenColumns() throws {
        let path = temporaryPath("given.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path, format: .csv, columns: ["url", "note"])
        try feed.write(Record(url: "u", note: nil, count: 3))
        feed.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "url,note\r\nu,\r\n")
        #expect(feed.droppedFieldCount == 1)
    }

    @Test("URLs lose their userinfo in both formats, anywhere in an item's text; the file is created 0600")
    func credentialsRedacted() throws {
        for format in FeedFormat.allCases {
            let path = temporaryPath("secret.\(format.rawValue)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let feed = try FeedExporter(path: path, format: format)
            try feed.write(
                Record(url: "http://user:pa55@127.0.0.1:8080/a?b=c", note: "see https://pa55@127.0.0.1/x and mail@example.com", count: 1))
            feed.close()
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains("pa55"), "\(format): \(text)")
            #expect(
                text.contains("http://127.0.0.1:8080/a?b=c") && text.contains("https://127.0.0.1/x and mail@example.com"),
                "\(format): \(text)")
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
            #expect(mode == 0o600)
        }
    }
}
