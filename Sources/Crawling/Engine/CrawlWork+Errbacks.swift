import AsyncURL
import AsyncURLSupport
import CrawlFrontier
import LinkExtraction

/// Running the spider on a page or a failure, and taking what it produced.
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

    /// Runs the request's callback, else the spider's `parse`, on `page`.
    func callParse(_ page: CrawlResponse) async -> SpiderOutput {
        let output = SpiderOutput()
        do {
            if let callback = page.request.callback {
                try await callback(page, output)
            } else {
                try await crawler.spider.parse(page, output: output)
            }
        } catch {
            recordSpiderFailure(error, url: page.url, in: "callback")
        }
        return output
    }

    /// Runs the request's errback, else the spider's `handleFailure`, on `failure`.
    func callErrback(_ failure: CrawlFailure) async -> SpiderOutput {
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
        return output
    }

    /// Runs a failed fetch's errback and takes its output: items through the
    /// pipelines, requests to the frontier one level deeper, with the failed
    /// URL as their referrer.
    func handleFailure(_ failure: CrawlFailure, entry: FrontierEntry) async -> Produced {
        let output = await callErrback(failure)
        return await take(output, base: WebURL(entry.url), depth: entry.depth + 1, referrer: entry.url, parent: entry.fingerprint)
    }

    /// Items (through the pipelines) and requests (offered at `depth`) from a callback's or errback's output.
    /// `base` (what relative request URLs resolve against) is parsed only when a request was made.
    func take(_ output: SpiderOutput, base: @autoclosure () -> WebURL?, depth: Int, referrer: String, parent: UInt64? = nil) async
        -> Produced
    {
        var produced = Produced()
        for item in output.items {
            if let kept = await crawler.process(item) { produced.items.append(kept) }
        }
        let followed = output.followed
        guard !followed.isEmpty else { return produced }
        let makesRequests = followed.contains { if case .request = $0 { true } else { false } }
        produced.found = await offer(followed, base: makesRequests ? base() : nil, depth: depth, referrer: referrer, parent: parent)
        return produced
    }

    /// Counts and logs a callback or errback that threw.
    private func recordSpiderFailure(_ error: any Error, url: String, in handler: String) {
        crawler.recordError("spider")
        crawler.logger.warning(
            "spider \(handler) failed",
            metadata: [
                "url": "\(url.removingURLCredentials())",
                "error": "\(String(describing: error).removingControlCharacters().removingURLCredentials())"
            ])
    }
}
