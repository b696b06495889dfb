import AsyncURL
import CrawlFrontier

extension CrawlWork {
    /// Gives a request its host's own user agent, when a host rule sets one
    /// (a `User-Agent` header of the spider's request wins).
    /// - Parameters:
    ///   - request: the request about to be fetched.
    ///   - hostKey: its host key (`scheme://host:port`).
    func applyHostUserAgent(to request: inout Request, hostKey: String) {
        guard let agent = crawler.settings.hostSettings.settings(forHostKey: hostKey)?.userAgent, !request.headers.contains("User-Agent")
        else { return }
        request.headers.add(name: "User-Agent", value: agent)
    }
}
