import AsyncURL

/// A hook around every request of a crawl (Scrapy's downloader middleware):
/// it sees each request before it goes out and each response before it is
/// parsed. Use it for headers, proxies, authentication, or retry rules of
/// your own. Middlewares run in the order given to the ``Crawler``, and
/// concurrently on many requests at once.
///
/// Both methods have defaults that change nothing, so a middleware
/// implements only the side it needs.
public protocol CrawlMiddleware: Sendable {
    /// Called before `request` goes out (on every try, retries included):
    /// change it, or skip it.
    func willSend(_ request: inout Request, for crawlRequest: CrawlRequest) async -> RequestDecision

    /// Called when the response to `request` arrives, before it is parsed:
    /// accept it (as it is or changed), retry, or drop it.
    func didReceive(_ response: Response, for request: Request) async -> ResponseDecision
}

extension CrawlMiddleware {
    /// Lets the request go as it is.
    public func willSend(_ request: inout Request, for crawlRequest: CrawlRequest) async -> RequestDecision {
        .send
    }

    /// Accepts the response as it is.
    public func didReceive(_ response: Response, for request: Request) async -> ResponseDecision {
        .accept(response)
    }
}

/// What a ``CrawlMiddleware`` decides about a request.
public enum RequestDecision: Sendable {
    /// Send it (as the middleware left it).
    case send
    /// Do not send it; it is recorded in the page log with this reason and
    /// counted in the stats as skipped.
    case skip(reason: String)
}

/// What a ``CrawlMiddleware`` decides about a response.
public enum ResponseDecision: Sendable {
    /// Go on with this response (the one received, or a changed one).
    case accept(Response)
    /// Fetch the URL again after `delay` (`nil`: the frontier's backoff),
    /// within the crawl's retry limit; after the last retry the response is kept.
    case retry(after: Duration?)
    /// Do not parse it; it is recorded in the page log with this reason.
    case drop(reason: String)
}
