extension CrawlStateStore {
    /// Whether ``recordOffered(_:parent:code:detail:)`` and
    /// ``recordOutcome(_:code:detail:)`` record anything (on by default; off,
    /// `--explain` finds nothing, and the crawl saves the cost of the record).
    public var recordsDecisions: Bool {
        get { decisionsSwitch.withLock { $0 } }
        set { decisionsSwitch.withLock { $0 = newValue } }
    }

    /// Records a URL offered to the frontier and what the frontier answered,
    /// for `--explain` (not called for duplicates, so the seen-set's fast path
    /// costs nothing more). A refusal already recorded lately for the same
    /// URL is not recorded again.
    /// - Parameters:
    ///   - entry: the URL offered.
    ///   - parent: the fingerprint of the page it was found on (`nil` for a seed).
    ///   - code: the frontier's answer.
    ///   - detail: what decided it (the scope rule, the limit), when known.
    public func recordOffered(_ entry: FrontierEntry, parent: UInt64?, code: URLDecision.Code, detail: String?) {
        guard recordsDecisions else { return }
        if code != .queued {
            let fingerprint = entry.fingerprint
            let isNew = recentRefusals.withLock { $0.isNew(fingerprint) }
            guard isNew else { return }
        }
        let decision = URLDecision(
            fingerprint: entry.fingerprint, url: entry.url, referrer: parent, depth: entry.depth, code: code,
            detail: detail, time: URLDecisionTable.now())
        pending.withLock { $0.append(.decision(decision, isOutcome: false)) }
    }

    /// Records what became of a URL (fetched with its status, failed with its
    /// error, refused by robots.txt with the group and line), replacing the
    /// offer's code, for `--explain`.
    /// - Parameters:
    ///   - entry: the URL.
    ///   - code: what became of it.
    ///   - detail: the status, error or rule.
    public func recordOutcome(_ entry: FrontierEntry, code: URLDecision.Code, detail: String?) {
        guard recordsDecisions else { return }
        let decision = URLDecision(
            fingerprint: entry.fingerprint, url: entry.url, referrer: nil, depth: entry.depth, code: code,
            detail: detail, time: URLDecisionTable.now())
        pending.withLock { $0.append(.decision(decision, isOutcome: true)) }
    }
}
