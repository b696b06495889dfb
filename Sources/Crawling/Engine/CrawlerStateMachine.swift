/// Work a crawl can cancel: its start-up, its workers, the timer of a stop's grace period.
protocol CancellableWork: Sendable {
    /// Asks the work to end (it ends at its next cancellation check).
    func cancel()
}

extension Task: CancellableWork {}

/// The lifecycle of one ``Crawler``: which state it is in, and what to do on
/// each event, decided in one step under one lock.
///
/// Every event returns an action, which the crawler performs after the lock is
/// released (cancelling a task, starting the grace timer and shutting down the
/// client never run under it). `Resources` is what a running crawl has opened
/// (its client, frontier and writers), kept from ``started(_:workers:)`` to
/// ``finished()`` for the events and queries that need them.
///
/// ```
/// idle ──run──▶ starting ──started──▶ running ──finished──▶ finished
///   │              │                    │
///   │             stop                 stop
///   │              ▼                    ▼
///   └──stop──▶ finished            stopping ──graceExpired──▶ abandoned ──finished──▶ finished
/// ```
struct CrawlerStateMachine<Resources: Sendable>: Sendable {
    /// Where the crawl is in its life.
    enum State: Sendable {
        /// Created; ``run()`` not called yet.
        case idle
        /// ``run()`` is opening the crawl's outputs and frontier and seeding it;
        /// `startup` is the work to cancel on a stop (once it is known).
        case starting(startup: (any CancellableWork)?)
        /// The workers are fetching.
        case running(workers: any CancellableWork)
        /// A stop asked no new requests to start; those in flight finish.
        /// `work` is the start-up or the workers; `graceTimer` abandons what is still in flight at its end.
        case stopping(work: (any CancellableWork)?, graceTimer: (any CancellableWork)?)
        /// Requests in flight were abandoned: nothing more is recorded.
        case abandoned
        /// The run ended (or the crawler was stopped before it ran).
        case finished
    }

    /// What ``run()`` does.
    enum RunAction: Sendable {
        /// Starts the crawl.
        case start
        /// Returns empty statistics at once: the crawler was stopped before it ran, or has run.
        case returnEmpty
        /// Refuses: a run is going on.
        case refuse
    }

    /// What to do after ``stop()``.
    enum StopAction: Sendable {
        /// Nothing (not started, or stopped already).
        case none
        /// Cancels `work` (the start-up or the workers, when known) and starts the grace timer.
        case cancelAndStartGraceTimer((any CancellableWork)?)
    }

    /// What to do after ``graceExpired()``.
    enum AbandonAction: Sendable {
        /// Nothing (not running, or abandoned already).
        case none
        /// Cancels `work` (start-up, workers and the grace timer) and shuts down the client of `resources`, when opened.
        case abandon(work: [any CancellableWork], resources: Resources?)
    }

    /// What to do with a task the crawler registered.
    enum RegistrationAction: Sendable {
        /// Keep it: the crawl goes on.
        case none
        /// Cancel it at once: the crawl was stopped (or ended) meanwhile.
        case cancel(any CancellableWork)
    }

    private(set) var state: State = .idle
    /// What the running crawl opened, from ``started(_:workers:)`` to ``finished()``.
    private(set) var resources: Resources?

    /// Whether workers should take no more URLs (stopping, abandoned or finished).
    var isStopping: Bool {
        switch state {
        case .idle, .starting, .running: false
        case .stopping, .abandoned, .finished: true
        }
    }

    /// Whether requests in flight are abandoned (nothing is recorded for them).
    var isAbandoned: Bool {
        if case .abandoned = state { true } else { false }
    }

    /// ``Crawler/run()`` was called.
    mutating func run() -> RunAction {
        switch state {
        case .idle:
            state = .starting(startup: nil)
            return .start
        case .finished:
            return .returnEmpty
        case .starting, .running, .stopping, .abandoned:
            return .refuse
        }
    }

    /// The start-up runs as `startup`: a stop cancels it.
    mutating func startupBegan(_ startup: any CancellableWork) -> RegistrationAction {
        switch state {
        case .starting:
            state = .starting(startup: startup)
            return .none
        case .stopping(_, let timer):
            state = .stopping(work: startup, graceTimer: timer)
            return .cancel(startup)
        case .idle, .running, .abandoned, .finished:
            return .cancel(startup)
        }
    }

    /// The start-up is over: the workers run as `workers`, with `resources`.
    mutating func started(_ resources: Resources, workers: any CancellableWork) -> RegistrationAction {
        self.resources = resources
        switch state {
        case .starting:
            state = .running(workers: workers)
            return .none
        case .stopping(_, let timer):
            // Stopped during start-up: the workers leave at once.
            state = .stopping(work: workers, graceTimer: timer)
            return .cancel(workers)
        case .idle, .running, .abandoned, .finished:
            return .cancel(workers)
        }
    }

    /// ``Crawler/stop()`` was called (or an output failed).
    mutating func stop() -> StopAction {
        switch state {
        case .idle:
            state = .finished
            return .none
        case .starting(let startup):
            state = .stopping(work: startup, graceTimer: nil)
            return .cancelAndStartGraceTimer(startup)
        case .running(let workers):
            state = .stopping(work: workers, graceTimer: nil)
            return .cancelAndStartGraceTimer(workers)
        case .stopping, .abandoned, .finished:
            return .none
        }
    }

    /// The grace timer a stop started is `timer`.
    mutating func graceTimerStarted(_ timer: any CancellableWork) -> RegistrationAction {
        switch state {
        case .stopping(let work, nil):
            state = .stopping(work: work, graceTimer: timer)
            return .none
        case .idle, .starting, .running, .stopping, .abandoned, .finished:
            return .cancel(timer)
        }
    }

    /// The stop's grace period ended, or ``Crawler/abandonInFlight()`` was called.
    mutating func graceExpired() -> AbandonAction {
        switch state {
        case .idle:
            state = .finished
            return .none
        case .starting(let startup):
            state = .abandoned
            return .abandon(work: startup.map { [$0] } ?? [], resources: nil)
        case .running(let workers):
            state = .abandoned
            return .abandon(work: [workers], resources: resources)
        case .stopping(let work, let timer):
            state = .abandoned
            return .abandon(work: [work, timer].compactMap { $0 }, resources: resources)
        case .abandoned, .finished:
            return .none
        }
    }

    /// The run ended (its workers are done); returns the grace timer to cancel, if one runs.
    mutating func finished() -> (any CancellableWork)? {
        defer {
            state = .finished
            resources = nil
        }
        if case .stopping(_, let timer) = state { return timer }
        return nil
    }
}
