import Archiving
import AsyncURL

/// Why a crawl could not run.
public enum CrawlError: Error, Sendable, CustomStringConvertible {
    /// A setting is unusable (an invalid pattern, say).
    case invalidSettings(String)
    /// The HTTP client could not start.
    case clientUnavailable(FetchError)
    /// The frontier could not be opened (a state directory or a shared store).
    case frontierUnavailable(any Error)
    /// The frontier failed during the crawl (a shared store unreachable for too long); the crawl stopped.
    case frontierFailed(any Error)
    /// The WARC archive could not be opened.
    case archiveUnavailable(WARCError)
    /// ``Crawler/run()`` was called while the crawler was running.
    case alreadyRunning
    /// The spider's start requests could not be read (``Spider/startRequestReader()``):
    /// a seed file that cannot be opened or read.
    case startRequestsUnavailable(any Error)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .invalidSettings(let message): "invalid settings: \(message)"
        case .clientUnavailable(let error): "cannot start the HTTP client: \(error)"
        case .frontierUnavailable(let error): "cannot open the frontier: \(error)"
        case .frontierFailed(let error): "the frontier failed, the crawl stopped: \(error)"
        case .archiveUnavailable(let error): "cannot open the WARC archive: \(error)"
        case .alreadyRunning: "the crawler is running already"
        case .startRequestsUnavailable(let error): "cannot read the start requests: \(error)"
        }
    }
}
