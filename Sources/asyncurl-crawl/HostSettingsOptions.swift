import ArgumentParser
import CrawlFrontier
import Crawling

/// `--host-setting`: politeness and user agent for chosen hosts or `*.domain` patterns.
struct HostSettingsOptions: ParsableArguments {
    @Option(
        name: .customLong("host-setting"),
        help: ArgumentHelp(
            """
            Settings for one host or *.domain pattern, over the crawl's \
            (repeatable), as HOST:key=value,... with the keys per-host=N, \
            delay=SECONDS, autothrottle=on|off and user-agent=TEXT (last: it takes \
            the rest, commas too), e.g. 'example.com:per-host=4,delay=0.5'. \
            An exact host beats a pattern; a longer pattern beats a shorter one.
            """, valueName: "rule"))
    var hostSettings: [String] = []

    func validate() throws {
        _ = try rules()
    }

    /// The rules as read; a usage error names the one that cannot be read.
    func rules() throws -> [HostSettingsRule] {
        var rules: [HostSettingsRule] = []
        for text in hostSettings {
            do {
                rules.append(try HostSettingsRule(parsing: text))
            } catch {
                throw ValidationError("--host-setting \(error.description)")
            }
        }
        return rules
    }

    /// Sets the host rules in `settings`.
    func apply(to settings: inout CrawlSettings) throws {
        settings.hostSettings = HostSettingsTable(try rules())
    }
}
