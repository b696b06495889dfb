/// Where a crawl records what it decided about each URL, for `--explain`:
/// a resumable crawl's ``CrawlStateStore``, or a shared frontier's own record
/// (see ``URLDecisionRecording``). Recording never waits: a recorder keeps
/// what it is given and writes it with its next write.
public protocol URLDecisionRecorder: Sendable {
    /// Records a URL offered to the frontier and what the frontier answered
    /// (not called for duplicates).
    /// - Parameters:
    ///   - entry: the URL offered.
    ///   - parent: the fingerprint of the page it was found on (`nil` for a seed).
    ///   - code: the frontier's answer.
    ///   - detail: what decided it (the scope rule, the limit), when known.
    func recordOffered(_ entry: FrontierEntry, parent: UInt64?, code: URLDecision.Code, detail: String?)

    /// Records what became of a URL (fetched with its status, failed with its
    /// error, refused by robots.txt with the group and line), replacing the offer's code.
    /// - Parameters:
    ///   - entry: the URL.
    ///   - code: what became of it.
    ///   - detail: the status, error or rule.
    func recordOutcome(_ entry: FrontierEntry, code: URLDecision.Code, detail: String?)
}

/// A frontier that keeps its own record of decisions (the shared Redis
/// frontier keeps it in Redis, beside the crawl's other keys).
public protocol URLDecisionRecording {
    /// The frontier's recorder; `nil` when recording is off
    /// (`FrontierConfiguration/recordsDecisions`).
    var decisionRecorder: (any URLDecisionRecorder)? { get }
}

extension CrawlStateStore: URLDecisionRecorder {}
