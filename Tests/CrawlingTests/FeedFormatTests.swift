import Crawling
import Foundation
import Testing

/// JSON and XML feeds, gzip-compressed feeds and formats told by file names,
/// read back with Python's parsers (json, xml.etree, gzip, csv) and Foundation's.
@Suite("Feed formats: JSON, XML, gzip")
struct FeedFormatTests {
    struct Item: Encodable {
        var url: String
        var title: String
        var tags: [String]
        var price: Double?
        var details: [String: String]
    }

    static let hostile = Item(
        url: "http://user:secret@127.0.0.1/a?x=1&y=<2>", title: "Tom & \"Jerry\" <b>]]> \u{1}\r\nline é 😀",
        tags: ["a", "<b>", ""], price: 1.5, details: ["1st key": "x", "ok": "&"])

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-formats-\(UUID().uuidString)-\(name)").path
    }

    /// The file parsed by Foundation's JSON parser, as an array.
    private func foundationJSON(_ path: String) throws -> [Any]? {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [Any]
    }

    @Test(
        "Formats are told by names, before a final .gz; an unknown name needs a format",
        arguments: [
            ("a.jsonl", FeedFormat.jsonLines), ("a.ndjson", .jsonLines), ("dir.x/a.json", .json), ("a.JSON.gz", .json), ("a.csv.gz", .csv),
            ("a.xml", .xml)
        ])
    func formatFromName(name: String, format: FeedFormat) throws {
        #expect(FeedFormat(path: name) == format)
        #expect(FeedFormat(path: "items.txt") == nil)
        #expect(FeedFormat(path: "dir.json/items") == nil)
        #expect(FeedFormat(path: ".json") == nil)
        let path = temporaryPath("items.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: FeedError.self) { try FeedExporter(path: path) }
    }

    @Test("JSON: one array, valid after every write and when empty; credentials removed; Python reads what was written")
    func jsonArray() async throws {
        let path = temporaryPath("items.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path)
        #expect(feed.format == .json)
        #expect(try foundationJSON(path)?.isEmpty == true)
        for index in 0..<3 {
            var item = Self.hostile
            item.tags.append(String(index))
            try feed.write(item)
            // Closed after each item, before close(): a killed crawl leaves valid JSON.
            #expect(try foundationJSON(path)?.count == index + 1)
        }
        feed.close()
        let items = try #require(try await FeedReader.read(path, format: "json") as? [[String: Any]])
        #expect(items.count == 3)
        #expect(items[0]["url"] as? String == "http://127.0.0.1/a?x=1&y=<2>")
        #expect(items[0]["title"] as? String == Self.hostile.title)
        #expect(items[2]["tags"] as? [String] == ["a", "<b>", "", "2"])
        #expect(items[0]["details"] as? [String: String] == Self.hostile.details)
    }

    @Test("JSON cut back to a checkpoint's length goes on inside the same array; cut to nothing it starts again")
    func jsonTruncateAndResume() throws {
        let path = temporaryPath("items.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path)
        try feed.write(["n": 1])
        let checkpoint = try #require(feed.length)
        try feed.write(["n": 2])
        feed.close()
        // A resumed crawl: the file reopened for appending, cut back to the checkpoint.
        let resumed = try FeedExporter(path: path, append: true)
        try resumed.truncate(to: checkpoint)
        try resumed.write(["n": 3])
        #expect(try foundationJSON(path)?.compactMap { ($0 as? [String: Int])?["n"] } == [1, 3])
        try resumed.truncate(to: 0)
        #expect(try foundationJSON(path)?.isEmpty == true)
        try resumed.write(["n": 4])
        resumed.close()
        #expect(try foundationJSON(path)?.compactMap { ($0 as? [String: Int])?["n"] } == [4])
    }

    @Test("XML: well-formed for xml.etree, one <item> a line, text escaped, nested values as elements, odd keys kept in an attribute")
    func xml() async throws {
        let path = temporaryPath("items.xml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path)
        #expect(feed.format == .xml)
        try feed.write(Self.hostile)
        try feed.write(["just": "one"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("<item>") }.count == 2)
        feed.close()
        let root = XMLNode(try await FeedReader.read(path, format: "xml"))
        #expect(root.tag == "items")
        #expect(root.children.map(\.tag) == ["item", "item"])
        let item = try #require(root.children.first)
        #expect(item["url"]?.text == "http://127.0.0.1/a?x=1&y=<2>")
        // The control character XML cannot carry is replaced; CR survives as a character reference.
        #expect(item["title"]?.text == "Tom & \"Jerry\" <b>]]> \u{FFFD}\r\nline é 😀")
        #expect(item["tags"]?.children.map(\.tag) == ["value", "value", "value"])
        #expect(item["tags"]?.children.map(\.text) == ["a", "<b>", ""])
        #expect(item["price"]?.text == "1.5")
        let details = try #require(item["details"])
        #expect(details.children.map(\.tag) == ["_1st_key", "ok"])
        #expect(details["_1st_key"]?.attributes["key"] == "1st key")
        #expect(details["ok"]?.text == "&")
        #expect(root.children[1]["just"]?.text == "one")
    }

    @Test("An empty XML feed is an empty <items> document")
    func emptyXML() async throws {
        let path = temporaryPath("items.xml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FeedExporter(path: path).close()
        let root = XMLNode(try await FeedReader.read(path, format: "xml"))
        #expect(root.tag == "items")
        #expect(root.children.isEmpty)
    }

    @Test(
        "A name ending in .gz is written gzip-compressed, a member per item; Python's gzip reads each format back",
        arguments: ["jsonl", "json", "csv", "xml"])
    func gzip(format: String) async throws {
        let path = temporaryPath("items.\(format).gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path)
        #expect(feed.isCompressed)
        for index in 0..<50 {
            try feed.write(["n": String(index), "text": String(repeating: "compressible ", count: 20)])
        }
        feed.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.prefix(2) == Data([0x1F, 0x8B]))
        let read = try await FeedReader.read(path, format: format)
        switch format {
        case "csv":
            let rows = try #require(read as? [[String]])
            #expect(rows.first == ["n", "text"])
            #expect(rows.count == 51)
        case "xml":
            #expect(XMLNode(read).children.count == 50)
        default:
            let items = try #require(read as? [[String: String]])
            #expect(items.map { $0["n"] } == (0..<50).map { String($0) })
        }
        // Smaller than the 50 items' text (about 300 bytes each) uncompressed.
        #expect(bytes.count < 50 * 300 / 2)
    }

    @Test("A resumed gzip CSV feed keeps the columns of its header, read back through zlib")
    func gzipCSVResume() async throws {
        let path = temporaryPath("items.csv.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try FeedExporter(path: path)
        try first.write(["b": "1", "a": "2"])
        first.close()
        let resumed = try FeedExporter(path: path, append: true)
        try resumed.write(["a": "3", "b": "4", "c": "dropped"])
        resumed.close()
        #expect(resumed.droppedFieldCount == 1)
        let rows = try #require(try await FeedReader.read(path, format: "csv") as? [[String]])
        #expect(rows == [["a", "b"], ["2", "1"], ["3", "4"]])
    }

    @Test("A gzip JSON feed is valid after every item too, and cut back at a checkpoint goes on")
    func gzipJSONTruncate() async throws {
        let path = temporaryPath("items.json.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let feed = try FeedExporter(path: path)
        try feed.write(["n": 1])
        let checkpoint = try #require(feed.length)
        try feed.write(["n": 2])
        #expect((try await FeedReader.read(path, format: "json") as? [Any])?.count == 2)
        try feed.truncate(to: checkpoint)
        try feed.write(["n": 3])
        let items = try #require(try await FeedReader.read(path, format: "json") as? [[String: Int]])
        #expect(items.map { $0["n"] } == [1, 3])
        feed.close()
    }
}
