import AsyncURL
import AsyncURLSupport
import LinkExtraction

/// Where a spider's callback puts what it found: items for the feeds, and
/// requests to follow. Safe to use from several tasks.
public final class SpiderOutput: Sendable {
    /// What a callback asked to follow, in the order it asked.
    enum Followed: Sendable {
        /// A request.
        case request(CrawlRequest)
        /// A page's links, followed as they are (plain `GET`s without callbacks): no `CrawlRequest` is built for them.
        case links([Link])
    }

    private struct Collected {
        var items: [any Encodable & Sendable] = []
        var followed: [Followed] = []
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
        collected.withLock { $0.followed.append(.request(request)) }
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

    /// Follows every link of a page as a plain request (what ``Spider``'s default `parse` does).
    func follow(_ links: [Link]) {
        guard !links.isEmpty else { return }
        collected.withLock { $0.followed.append(.links(links)) }
    }

    /// The items emitted so far.
    public var items: [any Encodable & Sendable] {
        collected.withLock { $0.items }
    }

    /// The requests asked for so far.
    public var requests: [CrawlRequest] {
        followed.flatMap { followed -> [CrawlRequest] in
            switch followed {
            case .request(let request): [request]
            case .links(let links): links.map { CrawlRequest(following: $0) }
            }
        }
    }

    /// What was asked for so far, in order (links followed as they are kept as they are).
    var followed: [Followed] {
        collected.withLock { $0.followed }
    }
}
