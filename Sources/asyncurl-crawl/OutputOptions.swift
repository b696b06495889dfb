import ArgumentParser
import Crawling

/// The options that say where the page log goes and in what format.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Where the page log goes ('-' for standard output). A name ending in .gz is written gzip-compressed.",
            valueName: "path"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "The page log's format: jsonl (a JSON object a line), json (one array), csv or xml. By default the one the --output name ends with (.jsonl, .json, .csv or .xml, before any .gz), else jsonl.",
            valueName: "format"))
    var format: String?

    @Flag(
        help:
            "Add each page's outlinks to its page-log line, as an outlinks array: the absolute URLs of the links kept, as offered to the frontier."
    )
    var outlinks = false

    @Flag(
        help:
            "Parse every HTML page for its links, so each page-log line has their count (links). Without it, pages whose links the crawl would not follow (those at --max-depth: every page of a list fetch with --max-depth 0) are not parsed, and their lines have no links field."
    )
    var countLinks = false

    func validate() throws {
        if let format, FeedFormat(rawValue: format) == nil {
            throw ValidationError("--format must be jsonl, json, csv or xml")
        }
    }

    /// Sets what the page log records in `settings`.
    func apply(to settings: inout CrawlSettings) {
        settings.recordsOutlinks = outlinks
        settings.countsLinks = countLinks
    }

    /// The page log's format: `--format`, else the one the output's name tells, else JSON Lines.
    var pageLogFormat: FeedFormat {
        format.flatMap(FeedFormat.init(rawValue:)) ?? output.flatMap(FeedFormat.init(path:)) ?? .jsonLines
    }

    /// Opens the page log, when `--output` was given.
    /// - Parameter append: keep what the file holds (a resumed crawl).
    /// - Throws: `FeedError` when the file cannot be opened.
    func pageLog(append: Bool) throws(FeedError) -> FeedExporter? {
        guard let output else { return nil }
        return try FeedExporter(path: output, format: pageLogFormat, append: append)
    }
}
