import CrawlFrontier

extension CrawlWork {
    /// Records, in a resumable crawl's state, what the frontier answered for
    /// each URL offered (duplicates are skipped: nothing is written for them),
    /// with the page it was found on, for `--explain`.
    /// - Parameters:
    ///   - entries: the URLs offered.
    ///   - outcomes: the frontier's answers, in the same order.
    ///   - parent: the fingerprint of the page they were found on (`nil` for seeds).
    func recordDecisions(_ entries: [FrontierEntry], _ outcomes: [FrontierAddOutcome], parent: UInt64?) {
        guard let store = decisions else { return }
        for (entry, outcome) in zip(entries, outcomes) {
            let (code, detail): (URLDecision.Code, String?)
            switch outcome {
            case .duplicate: continue
            case .queued: (code, detail) = (.queued, nil)
            case .robotsDenied: (code, detail) = (.robots, nil)
            case .rejected(let rejection): (code, detail) = (.scope, self.detail(of: rejection, entry))
            case .pageLimitReached: (code, detail) = (.pageLimit, pageLimitDetail)
            case .queueLimitReached: (code, detail) = (.queueLimit, queueLimitDetail)
            }
            store.recordOffered(entry, parent: parent, code: code, detail: detail)
        }
    }

    /// Records how a fetched URL ended: its status, or its error.
    static func recordFetch(of entry: FrontierEntry, record: PageRecord, in store: any URLDecisionRecorder) {
        if let status = record.status {
            store.recordOutcome(entry, code: .fetched, detail: String(status))
        } else {
            store.recordOutcome(entry, code: .failed, detail: record.error)
        }
    }

    /// Which scope rule refused a URL, in words.
    private func detail(of rejection: CrawlScope.Rejection, _ entry: FrontierEntry) -> String {
        switch rejection {
        case .offScope:
            "host \(entry.hostKey) is not in scope (\(scopeDescription))"
        case .filtered:
            "matches a deny pattern (--deny), or no allow pattern (--allow)"
        case .tooDeep:
            "depth \(entry.depth) is over the depth limit (--max-depth \(scope.maxDepth))"
        case .tooLong:
            "\(entry.url.utf8.count) bytes, over the URL length limit (--max-url-length \(scope.maxURLLength))"
        case .repeatedSegments:
            "a trap rule: a path segment repeats more than \(scope.maxRepeatedSegments) times"
        }
    }

    private var scopeDescription: String {
        switch scope.hosts {
        case .seedHosts: "the seeds' hosts"
        case .any: "any host"
        default: "the crawl's domains"
        }
    }

    private var pageLimitDetail: String {
        let settings = crawler.settings
        let limits = [settings.maxPages.map { "\($0) pages in all (--max-pages)" }, settings.maxPagesPerHost.map { "\($0) pages per host" }]
        return "the page limit was reached: " + limits.compactMap { $0 }.joined(separator: ", ")
    }

    private var queueLimitDetail: String {
        let settings = crawler.settings
        let limits = [
            settings.maxQueuedURLs.map { "\($0) URLs waiting in all (--max-queued)" },
            settings.maxQueuedURLsPerHost.map { "\($0) per host (--max-queued-per-host)" }
        ]
        return "the queue bound was reached: " + limits.compactMap { $0 }.joined(separator: ", ")
    }
}
