import AsyncURL
import CrawlFrontier

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a ``CrawlRequest`` carries beyond its URL, as bytes the frontier
/// keeps with the URL (``CrawlFrontier/FrontierEntry/payload``): in memory, in
/// a resumable crawl's state, or in a shared frontier. A callback or errback
/// is a closure and cannot be kept this way (only its id in this process's
/// ``CallbackStore``); spiders that must survive a resume or share a crawl
/// route by ``CrawlRequest/meta`` in `parse` and `handleFailure` (as
/// ``CrawlSpider`` does). ``CrawlRequest/errbackStatuses`` is kept.
struct RequestPayload: Codable {
    var method: String?
    var headers: [[String]]?
    var body: Data?
    var meta: [String: String]?
    /// The id of the request's callback and errback in the ``CallbackStore`` of the process that queued it.
    var callback: UInt64?
    /// ``CrawlRequest/render``, when the request says.
    var render: Bool?
    /// What the log calls that callback where it cannot run (``CrawlRequest/callbackName``).
    var callbackName: String?
    /// What the log calls that errback where it cannot run (``CrawlRequest/errbackName``).
    var errbackName: String?
    /// The statuses that go to the errback (``CrawlRequest/errbackStatuses``), sorted.
    var errbackStatuses: [Int]?

    /// The payload of a request, or `nil` when it has nothing beyond a plain `GET`.
    static func encode(_ request: CrawlRequest, callbackID: UInt64? = nil) -> [UInt8]? {
        guard
            request.method != .get || !request.headers.isEmpty || request.body != nil || !request.meta.isEmpty || callbackID != nil
                || request.render != nil || request.errbackStatuses != nil
        else { return nil }
        let payload = RequestPayload(
            method: request.method == .get ? nil : request.method.rawValue,
            headers: request.headers.isEmpty ? nil : request.headers.map { [$0.name, $0.value] },
            body: request.body,
            meta: request.meta.isEmpty ? nil : request.meta,
            callback: callbackID,
            render: request.render,
            callbackName: callbackID == nil ? nil : request.callbackName,
            errbackName: callbackID == nil ? nil : request.errbackName,
            errbackStatuses: request.errbackStatuses.map { $0.sorted() })
        return (try? JSONEncoder().encode(payload)).map(Array.init)
    }

    /// The request an entry stands for (without a callback, its name kept), and the id of its callback if it had one.
    static func request(for entry: FrontierEntry) -> (request: CrawlRequest, callbackID: UInt64?) {
        var request = CrawlRequest(url: entry.url, priority: entry.priority)
        guard let bytes = entry.payload, let payload = try? JSONDecoder().decode(RequestPayload.self, from: Data(bytes)) else {
            return (request, nil)
        }
        if let method = payload.method { request.method = HTTPMethod(rawValue: method) }
        if let headers = payload.headers {
            request.headers = HTTPHeaders(headers.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil })
        }
        request.body = payload.body
        request.meta = payload.meta ?? [:]
        request.render = payload.render
        request.callbackName = payload.callbackName
        request.errbackName = payload.errbackName
        request.errbackStatuses = payload.errbackStatuses.map(Set.init)
        return (request, payload.callback)
    }
}
