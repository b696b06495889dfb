import CrawlFrontier

extension FrontierFactory {
    /// A ``RedisFrontier``: this process becomes one worker of the crawl named
    /// in `url`, sharing its frontier with every other worker given the same URL.
    public static func redis(_ url: RedisFrontierURL, options: RedisFrontierOptions = RedisFrontierOptions()) -> FrontierFactory {
        FrontierFactory { configuration, robotsFetcher in
            try await RedisFrontier(url: url, configuration: configuration, options: options, robotsFetcher: robotsFetcher)
        }
    }
}
