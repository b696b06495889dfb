import ArgumentParser
import Crawling

/// The options that revisit the pages of earlier runs (`--recrawl`).
struct RecrawlOptions: ParsableArguments {
    @Flag(
        help:
            "With --state: record what each page needs for a revisit; on a state whose crawl finished, start a new run that fetches only due pages, with If-None-Match/If-Modified-Since, and logs each page's change (new, changed, unchanged, gone)."
    )
    var recrawl = false

    @Option(
        name: .customLong("revisit-min"),
        help:
            "The shortest time between two visits of a page, in seconds; a new page's interval (an unchanged page's grows ×1.5 up to --revisit-max, a changed page's shrinks ×0.5)."
    )
    var revisitMin = 3600.0

    @Option(name: .customLong("revisit-max"), help: "The longest time between two visits of a page, in seconds (30 days).")
    var revisitMax = 2_592_000.0

    @Flag(name: .customLong("recrawl-all"), help: "With --recrawl: revisit every page, due or not.")
    var recrawlAll = false

    /// The longest interval accepted (100 years), so intervals stay far from overflowing.
    static let longestInterval = 100 * 365 * 86_400.0

    func validate() throws {
        guard revisitMin >= 0, revisitMax >= revisitMin, revisitMax <= Self.longestInterval else {
            throw ValidationError("--revisit-min must not be negative nor more than --revisit-max, which is at most 100 years")
        }
        if recrawlAll, !recrawl { throw ValidationError("--recrawl-all needs --recrawl") }
    }

    /// The recrawl settings, when `--recrawl` was given.
    var settings: RecrawlSettings? {
        guard recrawl else { return nil }
        var settings = RecrawlSettings()
        settings.minimumInterval = .milliseconds(Int64(revisitMin * 1000))
        settings.maximumInterval = .milliseconds(Int64(revisitMax * 1000))
        settings.revisitsAll = recrawlAll
        return settings
    }
}
