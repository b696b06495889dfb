import Archiving
import ArgumentParser

/// The options that write a WARC archive of the crawl.
struct ArchiveOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Archive every fetch (robots.txt and redirects included) as WARC 1.1: files PATH-00000.warc.gz, PATH-00001.warc.gz, ... for a PATH ending in .warc.gz (one gzip member per record), uncompressed for .warc.",
            valueName: "path"))
    var warc: String?

    @Option(name: .customLong("warc-max-size"), help: "Start a new WARC file once one holds this many bytes.")
    var warcMaxSize = 1_000_000_000

    @Flag(name: .customLong("warc-cdx"), help: "Also write a sorted CDXJ index (pywb's format) beside each WARC file.")
    var warcCDX = false

    func validate() throws {
        guard warcMaxSize > 0 else { throw ValidationError("--warc-max-size must be positive") }
        if warcCDX, warc == nil { throw ValidationError("--warc-cdx needs --warc") }
    }

    /// The archive settings, when `--warc` was given.
    var settings: WARCSettings? {
        warc.map { WARCSettings(path: $0, maxFileSize: warcMaxSize, writesCDXJ: warcCDX) }
    }
}
