import AsyncURL
import Rendering

/// Why ``PageFetcher`` did not return a page.
public enum PageFetchError: Error, Sendable, CustomStringConvertible {
    /// The URL is not an absolute `http` or `https` URL.
    case invalidURL(String)
    /// The HTTP client could not be created.
    case clientUnavailable(FetchError)
    /// The site's robots.txt disallows the URL for the user agent.
    case robotsDenied(url: String, robotsURL: String)
    /// The site's robots.txt could not be fetched (`reason`: refused, timed
    /// out, HTTP 503...): a crawl would not fetch the URL either.
    case robotsUnavailable(url: String, robotsURL: String, reason: String)
    /// The page could not be fetched.
    case fetchFailed(FetchError)
    /// The settings cannot be used (a rendering pattern that does not compile).
    case invalidSettings(String)
    /// The page was fetched but could not be rendered (``CrawlSettings/rendering``).
    case renderFailed(url: String, RenderError)

    /// One line saying what happened.
    public var description: String {
        switch self {
        case .invalidURL(let url): "\(url) is not an http or https URL"
        case .clientUnavailable(let error): "cannot create the HTTP client: \(error)"
        case .robotsDenied(let url, let robotsURL): "\(url) is disallowed by \(robotsURL) (--ignore-robots fetches it anyway)"
        case .robotsUnavailable(_, let robotsURL, let reason):
            "\(robotsURL) could not be fetched: \(reason); a crawl would not fetch its site's URLs"
        case .fetchFailed(let error): "\(error)"
        case .invalidSettings(let problem): "the settings cannot be used: \(problem)"
        case .renderFailed(let url, let error): "\(url) could not be rendered: \(error)"
        }
    }
}
