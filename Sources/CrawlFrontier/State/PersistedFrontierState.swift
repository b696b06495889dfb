/// What a ``CrawlStateStore`` holds of a crawl that ran before: enough for a
/// ``Frontier`` to go on where it stopped.
public struct PersistedFrontierState: Sendable {
    /// A URL whose fetch is over (fetched, failed for good, or refused by robots.txt).
    public struct DoneURL: Sendable, Hashable {
        /// The URL's fingerprint.
        public var fingerprint: UInt64
        /// Its host key (`scheme://host:port`), for the per-host page limit.
        public var hostKey: String
    }

    /// URLs accepted and not yet done, in the order they were first accepted.
    public var queued: [FrontierEntry] = []
    /// URLs done.
    public var done: [DoneURL] = []
    /// Other fingerprints seen (the targets of redirects whose pages were handled).
    public var seen: [UInt64] = []
    /// The hosts of the seeds.
    public var seedHosts: [String] = []
    /// What the crawler saved with the last checkpoint (its feeds' lengths, say).
    public var metadata: [String: String] = [:]

    /// Whether nothing was saved: a new crawl.
    public var isEmpty: Bool { queued.isEmpty && done.isEmpty && seedHosts.isEmpty }
}
