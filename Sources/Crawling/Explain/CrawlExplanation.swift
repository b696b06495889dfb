import CrawlFrontier
import LinkExtraction

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why a URL was, or was not, fetched, read from a resumable crawl's state
/// (`asyncurl-crawl --state DIR --explain URL`): fetched (status, time, the
/// chain of pages back to a seed), refused and by what (robots.txt group and
/// line, scope rule, depth limit, page limit, queue bound, trap rule), a
/// duplicate of another URL, or never seen.
public struct CrawlExplanation: Sendable, Hashable, Codable {
    /// One page of the chain from the explained URL back to its seed.
    public struct Step: Sendable, Hashable, Codable {
        /// The page's URL.
        public var url: String
        /// Its depth (0 for a seed).
        public var depth: Int
        /// What became of it (`fetched`, `queued`, ...).
        public var verdict: String
    }

    /// The URL asked about.
    public var url: String
    /// `fetched`, `failed`, `refused`, `queued` or `neverSeen`.
    public var verdict: String
    /// What decided a refusal: `robots`, `scope`, `pageLimit`, `queueLimit`, `hostGivenUp`.
    public var reason: String?
    /// The rule, limit, status or error, in words.
    public var detail: String?
    /// The HTTP status of a fetched URL.
    public var status: Int?
    /// When it was decided (ISO 8601, UTC).
    public var time: String?
    /// The URL's depth (links from a seed).
    public var depth: Int?
    /// The URL recorded under the same canonical form, when it is not the one asked about.
    public var duplicateOf: String?
    /// The pages it was found through, its referrer first, back to a seed.
    public var referrers: [Step]

    /// Explains `url` from the state in `stateDirectory`.
    /// - Parameters:
    ///   - url: an absolute http(s) URL.
    ///   - stateDirectory: the crawl's `--state` directory.
    ///   - canonicalization: the crawl's canonical form (its default unless changed).
    /// - Throws: `StateStoreError` when the state cannot be read.
    public static func explain(
        _ url: String, stateDirectory: String,
        canonicalization: CanonicalizationOptions = .crawler
    ) async throws(StateStoreError) -> CrawlExplanation {
        let log = try URLDecisionLog(directory: stateDirectory)
        return try await explain(url, canonicalization: canonicalization) { fingerprint throws(StateStoreError) in
            try log.decision(for: fingerprint)
        }
    }

    /// Explains `url` from the decisions `decision(for:)` reads (a state
    /// directory's, a shared crawl's in Redis), following the referrers back to a seed.
    /// - Parameters:
    ///   - url: an absolute http(s) URL.
    ///   - canonicalization: the crawl's canonical form (its default unless changed).
    ///   - decisions: the recorded decision about a fingerprint, if any.
    /// - Returns: the explanation.
    /// - Throws: what `decisions` throws.
    public static func explain<Failure: Error>(
        _ url: String, canonicalization: CanonicalizationOptions = .crawler,
        decisions: (UInt64) async throws(Failure) -> URLDecision?
    ) async throws(Failure) -> CrawlExplanation {
        guard let canonical = CanonicalURL(url, options: canonicalization), let found = try await decisions(canonical.fingerprint) else {
            return CrawlExplanation(url: url, verdict: "neverSeen", referrers: [])
        }
        var explanation = CrawlExplanation(found, asked: url)
        if let asked = WebURL(url)?.removingFragment.href, !found.url.isEmpty, asked != found.url {
            explanation.duplicateOf = found.url
        }
        // The chain back to a seed; bounded, in case of a cycle.
        var next = found.referrer
        var visited: Set<UInt64> = [found.fingerprint]
        while let fingerprint = next, visited.insert(fingerprint).inserted, visited.count <= 1000,
            let parent = try await decisions(fingerprint)
        {
            explanation.referrers.append(Step(url: parent.url, depth: parent.depth, verdict: Self.verdict(of: parent.code)))
            next = parent.referrer
        }
        return explanation
    }

    /// Marks a URL of a host that was given up as refused with it: one left
    /// queued (its host's queue was dropped) or refused as over the page
    /// limits (a shared crawl refuses a given-up host's URLs so): `reason`
    /// becomes `hostGivenUp`.
    /// - Parameter detail: why the host was given up.
    public mutating func markHostGivenUp(_ detail: String) {
        guard verdict == "queued" || reason == URLDecision.Code.pageLimit.name else { return }
        verdict = "refused"
        reason = URLDecision.Code.hostGivenUp.name
        self.detail = detail
    }

    private init(url: String, verdict: String, referrers: [Step]) {
        self.url = url
        self.verdict = verdict
        self.referrers = referrers
    }

    private init(_ decision: URLDecision, asked url: String) {
        self.init(url: url, verdict: Self.verdict(of: decision.code), referrers: [])
        reason = [.queued, .fetched, .failed].contains(decision.code) ? nil : decision.code.name
        detail = decision.detail
        if decision.code == .fetched { status = decision.detail.flatMap { Int($0) } }
        depth = decision.depth
        time = Date(timeIntervalSince1970: Double(decision.time) / 1000).formatted(.iso8601)
    }

    private static func verdict(of code: URLDecision.Code) -> String {
        switch code {
        case .queued: "queued"
        case .fetched: "fetched"
        case .failed: "failed"
        default: "refused"
        }
    }
}
