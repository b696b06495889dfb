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
    /// The next URL to fetch when one may go at once, claimed as ``next()``
    /// claims it; `nil`, without waiting, when none may. A worker goes on with
    /// these after a page, and waits in ``next()`` only when none is ready.
    func nextIfReady() async -> FrontierEntry?
    /// Records how a URL from ``next()`` ended, and schedules a retry when the outcome calls for one.
    @discardableResult
    func complete(_ entry: FrontierEntry, outcome: FetchOutcome) async -> FrontierCompletion
    /// Told that a URL's response is in and the page is about to be handled
    /// (`outcome`: ``FetchOutcome/success(latency:)`` or
    /// ``FetchOutcome/permanentFailure``): a frontier may free the host's
    /// slot now, so the host's next request overlaps this page's parsing
    /// (per-host limits count requests in flight, not pages being parsed).
    /// The URL is still completed with ``complete(_:outcome:)``.
    func releaseHostSlot(of entry: FrontierEntry, outcome: FetchOutcome) async
    /// Whether a claim can be lost to another worker (a shared frontier's
    /// lease that expired): then a URL's page record and items are written
    /// only after ``complete(_:outcome:)`` accepted its end (anything but
    /// ``FrontierCompletion/claimLost``), so each URL's output appears once
    /// across workers, whatever the network or the store did in between.
    /// A frontier in one process (`false`) has its output written first and
    /// the URL completed after, so a crawl killed in between fetches it again
    /// on resume rather than losing it.
    var fencesOutput: Bool { get }
    /// Told, when ``fencesOutput`` is `true` and the configuration's
    /// ``FrontierConfiguration/reportsRecords`` is on, that a URL completed
    /// (and accepted) has had its output written.
    func recorded(_ entry: FrontierEntry) async
    /// Whether the crawl's workers may start while its seeds are still being
    /// added: the frontier then does not finish between ``beginSeeding()``
    /// and ``endSeeding()``, however little is queued meanwhile. `false`
    /// (the default): every seed is added before the workers start.
    var acceptsSeedsWhileCrawling: Bool { get }
    /// Seeds are being added: the frontier does not finish until ``endSeeding()``.
    func beginSeeding() async
    /// The seeds are all added (or their adding stopped).
    func endSeeding() async
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
    /// `false`: a frontier in one process never takes a URL back.
    public var fencesOutput: Bool { false }

    /// Nothing to do: a frontier in one process keeps no URL for its output.
    public func recorded(_ entry: FrontierEntry) async {}

    /// Nothing to do: the host's slot is freed when the URL is completed.
    public func releaseHostSlot(of entry: FrontierEntry, outcome: FetchOutcome) async {}

    /// `false`: every seed is added before the workers start.
    public var acceptsSeedsWhileCrawling: Bool { false }

    /// Nothing to do: seeds are added before the workers start.
    public func beginSeeding() async {}

    /// Nothing to do: seeds are added before the workers start.
    public func endSeeding() async {}

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
