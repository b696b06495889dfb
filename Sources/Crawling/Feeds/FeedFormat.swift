/// The file formats items can be exported in.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object per line (JSON Lines).
    case jsonLines = "jsonl"
    /// One JSON array of objects, closed on every write to a file (so a
    /// crawl stopped in any way leaves valid JSON) and by `FeedExporter.close()`
    /// on standard output.
    case json
    /// Comma-separated values with a header row (RFC 4180 quoting).
    case csv
    /// An XML document: `<items>` holding one `<item>` element per item, a
    /// field per child element (nested objects and arrays as nested elements,
    /// array entries as `<value>`), closed like ``json``.
    case xml

    /// The format a file's name tells, ignoring a final `.gz`: `.jsonl`
    /// (`.jsonlines`, `.ndjson`), `.json`, `.csv` or `.xml`; `nil` for any other name.
    /// - Parameter path: the file's path or name.
    public init?(path: String) {
        var name = Substring(path.split(separator: "/").last ?? "")
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "jsonl", "jsonlines", "ndjson": self = .jsonLines
        case "json": self = .json
        case "csv": self = .csv
        case "xml": self = .xml
        default: return nil
        }
    }
}
