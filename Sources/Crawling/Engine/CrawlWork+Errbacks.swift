import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import LinkExtraction

/// Errbacks: what runs when a request fails, and where its output goes.
extension CrawlWork {
    /// What a callback or errback produced: items kept by the pipelines (not
    /// yet written) and the requests offered to the frontier.
    struct Produced {
        var items: [any Encodable & Sendable] = []
        var found: [FrontierEntry] = []
    }

    /// The statuses whose responses go to the errback for `request`.
    func errbackStatuses(of request: CrawlRequest) -> Set<Int> {
        request.errbackStatuses ?? crawler.spider.errbackStatuses
    }

    /// Whether a failed fetch is the request's last try: it is not retried,
    /// so its errback runs (and its requests are offered) before the URL is completed.
    func isLastTry(_ entry: FrontierEntry, result: Result<Response, FetchError>) -> Bool {
        guard case .failure = result else { return false }
        return entry.attempt >= frontier.policy.maxRetries
    }

    /// Runs the request's errback (else the spider's `handleFailure`) and
    /// takes its output: items through the pipelines, requests to the
    /// frontier one level deeper, with the failed URL as their referrer.
    func handleFailure(_ failure: CrawlFailure, entry: FrontierEntry, base: WebURL?) async -> Produced {
        let output = SpiderOutput()
        do {
            if let errback = failure.request.errback {
                try await errback(failure, output)
            } else {
                try await crawler.spider.handleFailure(failure, output: output)
            }
        } catch {
            recordSpiderFailure(error, url: failure.url, in: "errback")
        }
        return await take(output, base: base, depth: entry.depth + 1, referrer: failure.response?.url ?? entry.url)
    }

    /// Items (through the pipelines) and requests (offered at `depth`) from a callback's or errback's output.
    func take(_ output: SpiderOutput, base: WebURL?, depth: Int, referrer: String) async -> Produced {
        var produced = Produced()
        for item in output.items {
            if let kept = await crawler.process(item) { produced.items.append(kept) }
        }
        produced.found = await offer(output.requests, base: base, depth: depth, referrer: referrer)
        return produced
    }

    /// Counts and logs a callback or errback that threw.
    func recordSpiderFailure(_ error: any Error, url: String, in handler: String) {
        crawler.record { $0.recordError("spider") }
        crawler.logger.warning("spider \(handler) failed", metadata: [
            "url": "\(url.removingURLCredentials())",
            "error": "\(String(describing: error).removingControlCharacters().removingURLCredentials())"])
    }
}
