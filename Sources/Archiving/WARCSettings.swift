/// Where and how a crawl writes its WARC archive.
public struct WARCSettings: Sendable, Hashable {
    /// The archive's path as given, for example `crawl.warc.gz`. Files are
    /// written with a five-digit number before the extension
    /// (`crawl-00000.warc.gz`, `crawl-00001.warc.gz`, ...); a name ending in
    /// `.gz` is written as one gzip member per record.
    public var path: String
    /// A file is closed and the next one started once it holds this many
    /// bytes (default 1 GB); a record is never split between files.
    public var maxFileSize: Int
    /// Whether a CDXJ index (`crawl-00000.cdxj`, sorted, pywb's fields) is written beside each file.
    public var writesCDXJ: Bool
    /// How many payload digests are remembered to write a repeated payload
    /// as a `revisit` record (default 1,000,000, 20 bytes each plus the URL
    /// and date of the first capture); older ones are forgotten first.
    public var revisitMemory: Int
    /// The `software` field of each file's `warcinfo` record.
    public var software: String

    /// Creates settings with the documented defaults.
    public init(
        path: String, maxFileSize: Int = 1_000_000_000, writesCDXJ: Bool = false, revisitMemory: Int = 1_000_000,
        software: String = "AsyncURL (libcurl, libxml2)"
    ) {
        self.path = path
        self.maxFileSize = maxFileSize
        self.writesCDXJ = writesCDXJ
        self.revisitMemory = revisitMemory
        self.software = software
    }

    /// Whether records are gzip-compressed (the path ends in `.gz`).
    public var isCompressed: Bool { path.hasSuffix(".gz") }

    /// The directory the files are written in (`.` for a bare file name);
    /// spool files of bodies being archived are made there too (see ``WARCBodySpool``).
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The name of file number `index`: `stem-NNNNN.warc[.gz]`.
    public func fileName(index: Int) -> String {
        let suffixes = [".warc.gz", ".warc", ".gz"]
        let suffix = suffixes.first { path.hasSuffix($0) } ?? ""
        let stem = String(path.dropLast(suffix.count))
        let number = String(index)
        let padded = String(repeating: "0", count: max(0, 5 - number.count)) + number
        return "\(stem)-\(padded)\(suffix.isEmpty ? ".warc" : suffix)"
    }
}
