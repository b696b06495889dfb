/// What a frontier is doing and, when work waits with nothing in flight,
/// why and until when: the crawl's liveness, for the progress line, the log,
/// and the statistics.
public struct FrontierActivity: Sendable, Hashable {
    /// URLs waiting in host queues.
    public var queued = 0
    /// URLs handed out and not completed.
    public var inFlight = 0
    /// URLs waiting for their own retry time (a `Retry-After` or a backoff).
    public var retrying = 0
    /// Hosts whose URLs wait for their robots.txt (being fetched, or to be tried again).
    public var robotsPending = 0
    /// Hosts seen.
    public var hosts = 0
    /// Hosts paused now (429, failures, robots.txt failing).
    public var pausedHosts = 0
    /// Host pauses so far.
    public var hostPauses = 0
    /// Hosts given up so far (robots.txt unavailable, or over their time budget).
    public var givenUpHosts = 0
    /// How long until the soonest host pause ends.
    public var nextResumeAfter: Duration?
    /// Why the host whose pause ends soonest is paused.
    public var nextResumeReason: HostPause.Reason?
    /// How long until the soonest URL waiting for its retry may go.
    public var nextRetryAfter: Duration?
    /// How long until the soonest host's politeness delay lets a request go.
    public var nextStartAfter: Duration?

    /// An empty activity.
    public init() {}

    /// Whether work waits while nothing is in flight.
    public var isStalled: Bool {
        inFlight == 0 && (queued > 0 || retrying > 0 || robotsPending > 0)
    }
}
