import ArgumentParser
import Crawling

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `--explain URL`: why a URL of a resumable crawl was, or was not, fetched.
struct ExplainOptions: ParsableArguments {
    @Option(
        name: .customLong("explain"),
        help: ArgumentHelp(
            """
            Say why URL was or was not fetched by the crawl kept in --state DIR \
            (fetched, refused and by what, a duplicate, never seen), then exit; \
            with --json, as one JSON object.
            """, valueName: "url"))
    var url: String?

    /// Whether `--explain` was given.
    var isRequested: Bool { url != nil }

    /// Checks that the options needed by `--explain` are there.
    /// - Parameters:
    ///   - state: the `--state` directory, if given.
    ///   - sharedFrontier: whether `--frontier redis://` was given.
    func validate(state: String?, sharedFrontier: Bool) throws {
        guard url != nil else { return }
        if sharedFrontier, state == nil {
            throw ValidationError("--explain reads a --state DIR; a shared (--frontier redis://) crawl keeps no explanations yet")
        }
        guard state != nil else { throw ValidationError("--explain needs --state DIR (the crawl's state directory)") }
    }

    /// Prints the explanation of ``url`` from the state in `directory`.
    /// - Parameters:
    ///   - directory: the crawl's state directory.
    ///   - json: whether to print JSON rather than text.
    /// - Throws: `ExitCode(3)` when the state cannot be read.
    func run(stateDirectory directory: String, json: Bool) throws {
        guard let url else { return }
        do {
            let explanation = try CrawlExplanation.explain(url, stateDirectory: directory)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(explanation)
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(explanation.text)
            }
        } catch {
            CrawlCommand.printError("cannot explain \(url): \(error)")
            throw ExitCode(3)
        }
    }
}
