import ArgumentParser

/// `asyncurl-crawl`: the command line, whose subcommands crawl (the default)
/// and fetch one page to debug a spider.
struct AsyncURLCrawl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asyncurl-crawl",
        abstract: "Crawl the web politely from seed URLs, or fetch one page as a crawl would.",
        discussion: """
            Without a subcommand, the arguments are those of crawl: asyncurl-crawl \
            https://example.com/ crawls that site. See asyncurl-crawl help crawl and \
            asyncurl-crawl help fetch.
            """,
        subcommands: [CrawlCommand.self, FetchCommand.self],
        defaultSubcommand: CrawlCommand.self
    )
}
