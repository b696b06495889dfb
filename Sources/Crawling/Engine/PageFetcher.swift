import AsyncURL
import CrawlFrontier
import LinkExtraction

/// Fetches one page as a crawl with the same settings would, to debug a
/// spider (`asyncurl-crawl fetch`, Scrapy's `fetch` and `parse`): the same HTTP
/// client configuration (user agent, time-outs, body limit, address guard,
/// TLS), robots.txt obeyed unless ``CrawlSettings/obeysRobots`` is off, and
/// the page's links extracted as the crawl extracts them.
public struct PageFetcher: Sendable {
    /// The settings the page is fetched with.
    public let settings: CrawlSettings

    /// Creates a fetcher.
    /// - Parameter settings: the crawl's settings.
    public init(settings: CrawlSettings = CrawlSettings()) {
        self.settings = settings
    }

    /// Fetches `url` (following redirects, as the crawl does), after its
    /// site's robots.txt when robots.txt is obeyed.
    /// - Parameter url: an absolute `http` or `https` URL.
    /// - Returns: the page, with its links; any status.
    /// - Throws: ``PageFetchError``: the URL unusable, robots.txt disallowing
    ///   it or unavailable, the fetch failed.
    public func fetch(_ url: String) async throws(PageFetchError) -> CrawlResponse {
        guard let parsed = WebURL(url), parsed.scheme == "http" || parsed.scheme == "https", let hostKey = parsed.hostKey else {
            throw .invalidURL(url)
        }
        let client: FetchClient
        do {
            client = try FetchClient(configuration: settings.fetchClientConfiguration(seeds: [url]))
        } catch {
            throw .clientUnavailable(error)
        }
        let result: Result<Response, PageFetchError>
        do throws(PageFetchError) {
            if settings.obeysRobots { try await checkRobots(of: parsed.removingFragment.href, hostKey: hostKey, client: client) }
            var request = Request(url: parsed.removingFragment.href)
            request.redirectPolicy = .follow(maxHops: 10)
            result = .success(try await fetchPage(request, client: client))
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        let response = try result.get()
        let links = PageLinks(of: response, settings: settings)
        return CrawlResponse(
            response: response, request: CrawlRequest(url: url), depth: 0, links: links.links, isHTML: links.isHTML, rendering: nil)
    }

    private func fetchPage(_ request: Request, client: FetchClient) async throws(PageFetchError) -> Response {
        do {
            return try await client.fetch(request)
        } catch {
            throw .fetchFailed(error)
        }
    }

    /// Throws unless the host's robots.txt allows `url`, read as the crawl's frontier reads it.
    private func checkRobots(of url: String, hostKey: String, client: FetchClient) async throws(PageFetchError) {
        let robotsURL = RobotsFetchResult.url(forHostKey: hostKey)
        let fetched: RobotsFetchResult
        do {
            let response = try await client.fetch(.robotsTxt(robotsURL))
            fetched = .response(status: response.status, body: Array(response.body))
        } catch {
            throw .robotsUnavailable(url: url, robotsURL: robotsURL, reason: error.reason)
        }
        if let failure = fetched.failure {
            throw .robotsUnavailable(url: url, robotsURL: robotsURL, reason: failure)
        }
        let matcher = RobotsMatcher(fetched.robotsTxt(maxRules: settings.maxRobotsRules), userAgent: settings.userAgent)
        guard matcher.isAllowed(url: url) else { throw .robotsDenied(url: url, robotsURL: robotsURL) }
    }
}
