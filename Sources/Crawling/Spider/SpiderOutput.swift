import AsyncURL
import AsyncURLSupport
import LinkExtraction

/// Where a spider's callback puts what it found: items for the feeds, and
/// requests to follow. Safe to use from several tasks.
public final class SpiderOutput: Sendable {
    private struct Collected {
        var items: [any Encodable & Sendable] = []
        var requests: [CrawlRequest] = []
    }

    private let collected = LockedState(Collected())

    /// Creates an empty output.
    public init() {}

    /// Emits a scraped item (any `Encodable` value).
    public func yield(_ item: some Encodable & Sendable) {
        collected.withLock { $0.items.append(item) }
    }

    /// Asks the crawler to follow a request.
    public func follow(_ request: CrawlRequest) {
        collected.withLock { $0.requests.append(request) }
    }

    /// Asks the crawler to follow a URL (relative URLs resolve against the page), optionally with its own callback and errback.
    /// - Parameters:
    ///   - url: absolute, or relative to the page.
    ///   - priority: runs first among the queued URLs of its host when higher.
    ///   - callback: parses the response (`nil`: the spider's `parse`).
    ///   - errback: handles the request's failure (`nil`: the spider's `handleFailure`).
    ///   - fileID: the calling file, naming the callback and errback in the log (see `CrawlRequest.callbackName`).
    ///   - line: the calling line, naming the callback and errback in the log.
    public func follow(
        _ url: String, priority: Int = 0, callback: Spider.Callback? = nil, errback: Spider.Errback? = nil,
        fileID: String = #fileID, line: Int = #line
    ) {
        follow(CrawlRequest(url: url, priority: priority, callback: callback, errback: errback, fileID: fileID, line: line))
    }

    /// Asks the crawler to follow an extracted link, optionally with its own callback and errback.
    /// - Parameters:
    ///   - link: a link from the page.
    ///   - priority: runs first among the queued URLs of its host when higher.
    ///   - callback: parses the response (`nil`: the spider's `parse`).
    ///   - errback: handles the request's failure (`nil`: the spider's `handleFailure`).
    ///   - fileID: the calling file, naming the callback and errback in the log (see `CrawlRequest.callbackName`).
    ///   - line: the calling line, naming the callback and errback in the log.
    public func follow(
        _ link: Link, priority: Int = 0, callback: Spider.Callback? = nil, errback: Spider.Errback? = nil,
        fileID: String = #fileID, line: Int = #line
    ) {
        var request = CrawlRequest(url: link.url, priority: priority, callback: callback, errback: errback, fileID: fileID, line: line)
        request.resolved = link.resolvedURL
        follow(request)
    }

    /// Follows every link of a page as a plain request, under one lock (what ``Spider``'s default `parse` does).
    func follow(_ links: [Link]) {
        var requests: [CrawlRequest] = []
        requests.reserveCapacity(links.count)
        for link in links {
            var request = CrawlRequest(url: link.url)
            request.resolved = link.resolvedURL
            requests.append(request)
        }
        collected.withLock { $0.requests.append(contentsOf: requests) }
    }

    /// The items emitted so far.
    public var items: [any Encodable & Sendable] {
        collected.withLock { $0.items }
    }

    /// The requests asked for so far.
    public var requests: [CrawlRequest] {
        collected.withLock { $0.requests }
    }
}
