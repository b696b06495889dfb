import Crawling

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where a crawl's final statistics go, however it ends (it finished, a
/// limit stopped it, Ctrl-C or SIGTERM): the `--stats` file, as JSON, and
/// the summary on standard error (unless `--quiet`).
struct StatsReport: Sendable {
    /// The `--stats` file, if one was asked for.
    let path: String?
    /// Whether the summary is left out.
    let quiet: Bool

    /// Writes `stats` to the file and the summary.
    func write(_ stats: CrawlStats) {
        if let path {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let data = try? encoder.encode(stats),
                FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
            {
                // Written.
            } else {
                CrawlCommand.printError("cannot write the statistics to \(path)")
            }
        }
        if !quiet {
            StandardError.write(stats.summary + "\n")
        }
    }
}
