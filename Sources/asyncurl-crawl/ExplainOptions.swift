import ArgumentParser
import Crawling
import DistributedFrontier
import LinkExtraction

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `--explain URL`: why a URL of a resumable or shared crawl was, or was not,
/// fetched; `--no-explain-record`: a crawl that records nothing for it.
struct ExplainOptions: ParsableArguments {
    @Option(
        name: .customLong("explain"),
        help: ArgumentHelp(
            """
            Say why URL was or was not fetched by the crawl kept in --state DIR \
            or shared through --frontier redis://... (fetched, refused and by \
            what, a duplicate, never seen), then exit; with --json, as one JSON object.
            """, valueName: "url"))
    var url: String?

    @Flag(
        name: .customLong("explain-record"), inversion: .prefixedNo,
        help: ArgumentHelp(
            """
            Record why each URL was or was not fetched, for --explain (on by \
            default; in the --state directory, or in Redis for a shared crawl).
            """))
    var record = true

    /// Whether `--explain` was given.
    var isRequested: Bool { url != nil }

    /// Checks that the options needed by `--explain` are there.
    /// - Parameters:
    ///   - state: the `--state` directory, if given.
    ///   - sharedFrontier: whether `--frontier redis://` was given.
    func validate(state: String?, sharedFrontier: Bool) throws {
        guard url != nil, state == nil, !sharedFrontier else { return }
        throw ValidationError("--explain needs --state DIR or --frontier redis://HOST:PORT/NAME (the crawl to explain)")
    }

    /// Prints the explanation of ``url`` from the state in `directory`.
    /// - Parameters:
    ///   - directory: the crawl's state directory.
    ///   - json: whether to print JSON rather than text.
    /// - Throws: `ExitCode(3)` when the state cannot be read.
    func run(stateDirectory directory: String, json: Bool) async throws {
        guard let url else { return }
        do {
            print(try await CrawlExplanation.explain(url, stateDirectory: directory), json: json)
        } catch {
            CrawlCommand.printError("cannot explain \(url): \(error)")
            throw ExitCode(3)
        }
    }

    /// Prints the explanation of ``url`` from what the shared crawl at `frontier` recorded in Redis.
    /// - Parameters:
    ///   - frontier: the crawl's Redis server and name.
    ///   - json: whether to print JSON rather than text.
    /// - Throws: `ExitCode(3)` when Redis cannot be read.
    func run(frontier: RedisFrontierURL, json: Bool) async throws {
        guard let url else { return }
        do {
            let log = try await RedisURLDecisionLog(url: frontier)
            var explanation = try await CrawlExplanation.explain(url) { fingerprint throws(RedisError) in
                try await log.decision(for: fingerprint)
            }
            // A URL still queued in a crawl that gave its host up was dropped with it;
            // one refused as over the page limits may have been refused for its host.
            if explanation.verdict == "queued" || explanation.reason == "pageLimit", let hostKey = CanonicalURL(url)?.hostKey,
                let reason = try await log.givenUpReason(hostKey: hostKey)
            {
                explanation.markHostGivenUp(reason)
            }
            print(explanation, json: json)
        } catch {
            CrawlCommand.printError("cannot explain \(url): \(error)")
            throw ExitCode(3)
        }
    }

    private func print(_ explanation: CrawlExplanation, json: Bool) {
        guard json else { return Swift.print(explanation.text) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(explanation)) ?? Data()
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
