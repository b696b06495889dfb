/// What the crawl loop needs of a frontier, wherever it keeps its state: in
/// this process (``Frontier``), or shared by many processes.
///
/// Workers call ``next()`` and ``complete(_:outcome:)`` concurrently. A page's
/// links are added *before* the page is completed: a frontier with nothing
/// queued and nothing in flight is finished, and its waiting workers leave.
public protocol URLFrontier: AnyObject, Sendable {
    /// The politeness and retry policy in force.
    var policy: PolitenessPolicy { get }
    /// Adds seeds; their hosts become the crawl's hosts for ``CrawlScope/Hosts/seedHosts``.
    func addSeeds(_ entries: [FrontierEntry]) async -> [FrontierAddOutcome]
    /// Offers URLs found on a page.
    @discardableResult
    func add(contentsOf entries: [FrontierEntry]) async -> [FrontierAddOutcome]
    /// Marks a fingerprint as seen (a redirect's target); `true` when it was not seen before.
    func markSeen(_ fingerprint: UInt64) async -> Bool
    /// The next URL to fetch once its host's politeness allows; `nil` when the crawl is finished
    /// or the calling task is cancelled.
    func next() async -> FrontierEntry?
    /// Records how a URL from ``next()`` ended, and schedules a retry when the outcome calls for one.
    @discardableResult
    func complete(_ entry: FrontierEntry, outcome: FetchOutcome) async -> FrontierCompletion
    /// Whether a URL from ``next()`` is still this worker's to finish; asked
    /// just before its page record and items are written. A shared frontier's
    /// claim can expire (its worker was cut off for longer than the lease) and
    /// go to another worker: this one then writes nothing, so each URL's
    /// output appears once. A frontier in one process always answers `true`.
    func confirmClaim(_ entry: FrontierEntry) async -> Bool
    /// Why the frontier stopped working (a shared store lost for good), or
    /// `nil`. The crawl stops and ``close()`` throws it; a frontier in one process never fails.
    var failure: (any Error)? { get async }
    /// The counters so far.
    var counters: FrontierCounters { get async }
    /// URLs waiting in host queues.
    var queuedCount: Int { get async }
    /// URLs handed out and not completed.
    var inFlightCount: Int { get async }
    /// Hosts seen.
    var hostCount: Int { get async }
    /// What it is doing, and why work waits when it does.
    var activity: FrontierActivity { get async }
    /// Writes out whatever state the frontier keeps (called once when the crawl ends or stops).
    func close() async throws
}

extension URLFrontier {
    /// `true`: a frontier in one process never takes a URL back.
    public func confirmClaim(_ entry: FrontierEntry) async -> Bool { true }

    /// `nil`: a frontier in one process does not fail.
    public var failure: (any Error)? { get async { nil } }

    /// The queue sizes only (for frontiers that know no more).
    public var activity: FrontierActivity {
        get async {
            var activity = FrontierActivity()
            activity.queued = await queuedCount
            activity.inFlight = await inFlightCount
            activity.hosts = await hostCount
            return activity
        }
    }
}
