import ArgumentParser
import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import Crawling
import DistributedFrontier
import LinkExtraction
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `asyncurl-crawl crawl` (the default subcommand): crawls from seed URLs and
/// writes one JSON line (or CSV row) per fetched URL.
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl from seed URLs, politely, and log every fetched page.",
        discussion: """
            Follows every link in scope (the seeds' hosts by default), obeying \
            robots.txt. With --max-depth 0 it only fetches the seeds: a list fetcher \
            (see --seeds-file). The first Ctrl-C stops scheduling and lets requests \
            in flight finish; a second one exits at once. --max-time, --max-bytes \
            and --max-items stop the crawl the same way, with exit status 0. \
            However the crawl ends, --stats and the summary are written.

            With --frontier redis://HOST:PORT/NAME the process is one worker of crawl \
            NAME, whose frontier lives in Redis: start as many workers as you like, \
            on any machines; seeds are needed only once. --status prints the crawl's \
            progress.

            Exit codes: 0 the crawl finished; 1 it finished but no page could be \
            fetched; 64 bad arguments (a seed that is not an http or https URL, say); \
            3 the crawl could not start (output file, HTTP client, a --state \
            directory another process is using); 4 the crawl stopped because its \
            output could not be written (a closed pipe, a full disk); 130 stopped \
            with Ctrl-C.
            """
    )

    @Argument(help: "The URLs the crawl starts from (absolute http or https URLs).")
    var seeds: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Also read seed URLs from this file, one per line (blank lines and # comments are skipped).", valueName: "file"))
    var seedsFile: String?

    @Option(help: "Requests in flight at once.")
    var concurrency = 64

    @Option(name: .customLong("per-host"), help: "Requests in flight at once to one host.")
    var perHost = 2

    @Option(help: ArgumentHelp("Seconds between two requests to one host.", valueName: "seconds"))
    var delay = 0.0

    @Option(name: .customLong("max-pages"), help: "The most pages to fetch.")
    var maxPages: Int?

    @Option(name: .customLong("max-depth"), help: "The deepest link depth to follow (0: the seeds only).")
    var maxDepth = 20

    @Option(
        help:
            "Which hosts to follow: host (the seeds' hosts), domain (their registrable domains, by the Public Suffix List, and subdomains), any."
    )
    var scope = "host"

    @Option(help: ArgumentHelp("Only follow URLs matching this regular expression (repeatable).", valueName: "regex"))
    var allow: [String] = []

    @Option(help: ArgumentHelp("Do not follow URLs matching this regular expression (repeatable).", valueName: "regex"))
    var deny: [String] = []

    @Option(
        name: .customLong("max-retry-wait"),
        help:
            "The longest wait honoured, in seconds (Retry-After, backoff, host pause): a URL asking for more is not retried but recorded as failed."
    )
    var maxRetryWait = 60.0

    @Option(
        name: .customLong("max-crawl-delay"), help: "The longest robots.txt Crawl-delay honoured, in seconds (longer ones are cut to it).")
    var maxCrawlDelay = 30.0

    @Option(
        name: .customLong("host-time-budget"),
        help: "Seconds one host may take at its Crawl-delay for its queued URLs; a host over it is given up (0: no budget).")
    var hostTimeBudget = 3600.0

    @Option(name: .customLong("max-connections"), help: "The most open connections in all.")
    var maxConnections = 256

    @Option(
        help: ArgumentHelp(
            "Keep the crawl's state in this directory: run again with the same --state to resume a stopped or killed crawl.",
            valueName: "dir"))
    var state: String?

    @Option(help: ArgumentHelp("Write the final statistics as JSON to this file.", valueName: "file"))
    var stats: String?

    @Flag(help: "No progress line or summary.")
    var quiet = false

    @Option(name: .customLong("log-level"), help: "error, warning, info or debug.")
    var logLevel = "info"

    @OptionGroup(title: "Fetching")
    var fetching: FetchOptions

    @OptionGroup(title: "Shared crawl")
    var shared: SharedFrontierOptions

    @OptionGroup(title: "Explain")
    var explain: ExplainOptions

    @OptionGroup(title: "Per-host settings")
    var hostRules: HostSettingsOptions

    @OptionGroup(title: "Bounds and limits")
    var bounds: BoundsOptions

    @OptionGroup(title: "Archive")
    var archive: ArchiveOptions

    @OptionGroup(title: "Recrawl")
    var recrawl: RecrawlOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @OptionGroup(title: "Rendering JavaScript pages")
    var render: RenderOptions

    @OptionGroup(title: "Metrics")
    var metrics: MetricsOptions

    func validate() throws {
        guard ["host", "domain", "any"].contains(scope) else { throw ValidationError("--scope must be host, domain or any") }
        guard concurrency > 0, perHost > 0 else { throw ValidationError("--concurrency and --per-host must be positive") }
        guard maxDepth >= 0, delay >= 0 else { throw ValidationError("--max-depth and --delay must not be negative") }
        guard maxRetryWait >= 0, maxCrawlDelay >= 0, hostTimeBudget >= 0, maxConnections > 0 else {
            throw ValidationError(
                "--max-retry-wait, --max-crawl-delay and --host-time-budget must not be negative, --max-connections must be positive")
        }
        guard ["error", "warning", "info", "debug"].contains(logLevel) else {
            throw ValidationError("--log-level must be error, warning, info or debug")
        }
        if recrawl.recrawl, state == nil { throw ValidationError("--recrawl needs --state DIR") }
        try explain.validate(state: state, sharedFrontier: shared.url != nil)
        try SeedCheck.validate(arguments: seeds)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { SanitizingLogHandler(label: $0, level: level) }
        if explain.isRequested, let frontier = shared.url { return try await explain.run(frontier: frontier, json: shared.json) }
        if let state, explain.isRequested { return try await explain.run(stateDirectory: state, json: shared.json) }
        if try await runSharedCrawlCommands() { return }
        let (urls, seedsFile) = try await seedURLs()
        var settings = try makeSettings(seeds: urls)
        // Resuming: the page log keeps what the earlier run wrote (the crawler
        // cuts it back to the last checkpoint).
        let isResuming = state.map { FileManager.default.fileExists(atPath: $0 + "/" + CrawlStateStore.fileName) } ?? false
        if let state {
            // Taken before any output is opened: a second process on the directory stops here.
            do {
                settings.stateDirectoryLock = try StateDirectoryLock(directory: state)
            } catch {
                Self.printError("cannot use the state directory \(state): \(error.message)")
                throw ExitCode(3)
            }
        }
        let pageLog: FeedExporter?
        do {
            pageLog = try output.pageLog(append: isResuming)
        } catch {
            Self.printError("\(error)")
            throw ExitCode(3)
        }
        let metricsServer = try await metrics.startServer()
        // A seeds file is read again by the crawl, a batch at a time.
        let spider = seedsFile.map { FollowAllSpider(seeds: seeds, seedFile: $0.file) } ?? FollowAllSpider(seeds: urls)
        let crawler = Crawler(spider: spider, settings: settings, pageLog: pageLog)
        let report = StatsReport(path: stats, quiet: quiet)
        let interrupts = InterruptHandler(onFirst: crawler.stop) { report.write(crawler.statsSoFar) }
        let result: CrawlStats
        do {
            result = try await crawl(with: crawler)
        } catch {
            await metricsServer?.stop()
            // A frontier that failed mid-crawl (Redis gone, exit 3): what the crawl did is still reported.
            if let exit = error as? ExitCode, exit.rawValue == 3 { report.write(crawler.statsSoFar) }
            throw error
        }
        await metricsServer?.stop()
        pageLog?.close()
        try self.report(result, to: report, of: crawler, interrupted: interrupts.wasInterrupted)
    }

    /// Runs --status and --reset of a shared crawl; whether the command is done then.
    private func runSharedCrawlCommands() async throws -> Bool {
        guard let url = shared.url, shared.status || shared.reset else { return false }
        do {
            if shared.reset { StandardError.write("deleted \(try await RedisCrawlStatus.delete(url)) keys of crawl \(url.name)\n") }
            if shared.status { try await shared.printStatus(url) }
        } catch {
            Self.printError("\(error)")
            throw ExitCode(3)
        }
        // Without seeds, --reset only deletes.
        return shared.status || (seeds.isEmpty && seedsFile == nil)
    }

    /// The seeds: the arguments and one seed per authority of the checked
    /// --seeds-file (what the scope needs; the crawl reads the file itself),
    /// or (a worker joining a shared crawl) those the crawl was started with, from Redis.
    private func seedURLs() async throws -> (urls: [String], file: SeedCheck.SeedsFile?) {
        var urls = seeds
        var file: SeedCheck.SeedsFile?
        if let seedsFile {
            do {
                file = try SeedCheck.check(seedsFile: seedsFile)
            } catch {
                Self.printError("\(error)")
                throw ExitCode.validationFailure
            }
            urls += file?.authoritySeeds ?? []
        }
        if urls.isEmpty, let url = shared.url {
            // A worker joining a shared crawl learns its seeds (for the scope) from Redis.
            do {
                urls = try await shared.waitForSeeds(url)
            } catch {
                Self.printError("\(error)")
                throw ExitCode(3)
            }
        }
        guard !urls.isEmpty else { throw ValidationError("give at least one seed URL (or --seeds-file)") }
        return (urls, file)
    }

    /// The crawl's settings, from the options.
    private func makeSettings(seeds urls: [String]) throws -> CrawlSettings {
        var settings = CrawlSettings()
        settings.concurrency = concurrency
        settings.perHostConcurrency = perHost
        settings.delay = .milliseconds(Int64(delay * 1000))
        settings.maxPages = maxPages
        settings.maxDepth = maxDepth
        settings.allowPatterns = allow
        settings.denyPatterns = deny
        settings.maxRetryWait = .milliseconds(Int64(min(maxRetryWait, 1e9) * 1000))
        settings.maxCrawlDelay = .milliseconds(Int64(min(maxCrawlDelay, 1e9) * 1000))
        settings.hostTimeBudget = hostTimeBudget > 0 ? .milliseconds(Int64(min(hostTimeBudget, 1e9) * 1000)) : nil
        settings.maxConnections = maxConnections
        settings.stateDirectory = state
        settings.recordsURLDecisions = explain.record
        settings.warc = archive.settings
        settings.recrawl = recrawl.settings
        fetching.apply(to: &settings)
        bounds.apply(to: &settings)
        try hostRules.apply(to: &settings)
        settings.rendering = render.rendering
        output.apply(to: &settings)
        if let factory = shared.factory { settings.frontier = factory }
        settings.maxWarnedCallbackNames = shared.maxCallbackWarnings
        switch scope {
        case "any": settings.hosts = .any
        case "domain": settings.hosts = .registrableDomains(ofSeeds: urls)
        default: settings.hosts = .seedHosts
        }
        return settings
    }

    /// Runs the crawl off the main actor, with the progress line.
    private func crawl(with crawler: Crawler) async throws -> CrawlStats {
        let progress = ProgressReporter(crawler: crawler, enabled: !quiet && logLevel != "error")
        progress.start()
        defer { progress.finish() }
        do {
            // Off the main actor: the crawl's tasks belong on the cooperative pool.
            return try await Task.detached { () async throws(CrawlError) -> CrawlStats in
                try await crawler.run()
            }.value
        } catch {
            Self.printError("\(error)")
            throw ExitCode(3)
        }
    }

    /// Writes the statistics and the summary, and ends with the crawl's exit code.
    private func report(_ result: CrawlStats, to report: StatsReport, of crawler: Crawler, interrupted: Bool) throws {
        report.write(result)
        if let failure = crawler.outputFailure {
            Self.printError("stopped: cannot write \(failure.path == "-" ? "standard output" : failure.path): \(failure.message)")
            throw ExitCode(4)
        }
        if interrupted { throw ExitCode(130) }
        // A worker of a shared crawl may find nothing left to do; a recrawl, no page due.
        if result.pages == 0, result.revisitsNotDue == 0, shared.url == nil { throw ExitCode(1) }
    }

    static func printError(_ message: String) {
        StandardError.write("asyncurl-crawl: \(message)\n")
    }
}
