import AsyncURL

extension CrawlSettings {
    /// The HTTP client's configuration for these settings: user agent,
    /// time-outs, body and URL limits, connections, cookies, TLS, and the
    /// address guard (``addressPolicy``, else decided from `seeds`).
    /// - Parameter seeds: the crawl's start URLs.
    func fetchClientConfiguration(seeds: [String]) -> FetchClient.Configuration {
        fetchClientConfiguration(seedAuthorities: SeedAuthorities(seeds: seeds))
    }

    /// The HTTP client's configuration, for seeds grouped by authority already.
    func fetchClientConfiguration(seedAuthorities: SeedAuthorities) -> FetchClient.Configuration {
        var configuration = FetchClient.Configuration()
        configuration.userAgent = userAgent
        configuration.timeouts = Timeouts(connect: min(.seconds(10), timeout), total: timeout, idle: min(.seconds(30), timeout))
        configuration.maxBodySize = maxBodySize
        configuration.maxConnectionsPerHost = max(perHostConcurrency, hostSettings.largestConcurrency ?? 0)
        configuration.maxTotalConnections = max(1, maxConnections)
        configuration.keepsCookies = keepsCookies
        configuration.maxCookiesPerHost = maxCookiesPerHost
        configuration.maxCookies = maxCookies
        configuration.maxURLLength = maxURLLength
        configuration.verifiesTLSCertificates = verifiesTLSCertificates
        configuration.addressPolicy = addressPolicy ?? SeedAddresses.policy(for: seedAuthorities)
        return configuration
    }
}
