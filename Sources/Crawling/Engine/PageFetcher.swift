import AsyncURL
import CrawlFrontier
import LinkExtraction
import Logging
import Rendering

/// Fetches one page as a crawl with the same settings would, to debug a
/// spider (`asyncurl-crawl fetch`, Scrapy's `fetch` and `parse`): the same HTTP
/// client configuration (user agent, time-outs, body limit, address guard,
/// TLS), robots.txt obeyed unless ``CrawlSettings/obeysRobots`` is off, and
/// the page's links extracted as the crawl extracts them; with
/// ``CrawlSettings/rendering``, the page rendered through headless Chromium
/// as the crawl renders it.
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
        let rendered: Result<(Response, RenderedPage?), PageFetchError> =
            switch result {
            case .success(let response): await render(response, client: client)
            case .failure(let error): .failure(error)
            }
        await client.shutdown()
        let (response, page) = try rendered.get()
        let links = PageLinks(of: response, settings: settings)
        return CrawlResponse(
            response: response, request: CrawlRequest(url: url), depth: 0, links: links.links, isHTML: links.isHTML, rendering: page)
    }

    /// The page as the browser left it when ``CrawlSettings/rendering`` chooses
    /// it (its requests through `client`, the browser closed afterwards), else as fetched.
    private func render(_ response: Response, client: FetchClient) async -> Result<(Response, RenderedPage?), PageFetchError> {
        guard let rendering = settings.rendering else { return .success((response, nil)) }
        let renderer: PageRenderer
        do {
            renderer = try PageRenderer(
                rendering, crawl: settings, client: client, archiving: nil, logger: Logger(label: "AsyncURL.PageFetcher"))
        } catch {
            return .failure(.invalidSettings("\(error)"))
        }
        let result: Result<(Response, RenderedPage?), PageFetchError>
        do {
            let rendered = try await renderer.render(response, request: CrawlRequest(url: response.finalURL))
            result = .success(rendered.map { ($0.0, $0.1) } ?? (response, nil))
        } catch {
            result = .failure(.renderFailed(url: response.finalURL, error))
        }
        _ = await renderer.shutdown()
        return result
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
