import AsyncURLSupport

/// A serial executor with one thread of its own, for the actor that writes a
/// crawl's files and SQLite state (``CrawlOutput``).
///
/// Swift's cooperative pool has one thread per core. `write(2)` to a slow disk
/// or a full pipe, and an SQLite commit with its `fsync`, block the thread they
/// run on; on a pool thread they would stall every worker's parsing meanwhile.
/// Jobs run here in the order they were enqueued. The thread starts with the
/// first job and ends once ``shutDown()`` was called and the queue is empty;
/// a job enqueued after that starts a new one (it is never lost). Should no
/// thread be created, the enqueuing thread runs the queued jobs itself.
///
/// Built on `LockedState` and `DetachedThread`: Foundation's `NSCondition`
/// and `Thread` linked all of Foundation and its ICU data into every crawler
/// (7.7 MB more peak RSS at start, measured with `asyncurl-crawl --help`).
final class WriterThreadExecutor: SerialExecutor, @unchecked Sendable {
    /// The jobs waiting, and the thread's state.
    private struct Queue {
        var jobs: [UnownedJob] = []
        /// The index in `jobs` of the next job to run (the array is emptied when all have run).
        var next = 0
        var threadRuns = false
        var isShutDown = false

        var isEmpty: Bool { next == jobs.count }

        /// The next job, `nil` when none is queued (then the runner ends).
        mutating func take() -> UnownedJob? {
            guard !isEmpty else {
                jobs.removeAll(keepingCapacity: true)
                next = 0
                threadRuns = false
                return nil
            }
            let job = jobs[next]
            next += 1
            if isEmpty {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            return job
        }
    }

    /// The name the thread shows (in `top -H`, in a debugger).
    private let name: String
    private let queue = LockedState(Queue())

    /// Creates the executor; its thread starts with the first job.
    init(name: String) {
        self.name = name
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let startsThread = queue.withLock { queue in
            queue.jobs.append(job)
            defer { queue.threadRuns = true }
            return !queue.threadRuns
        }
        queue.signal()
        guard startsThread else { return }
        if !DetachedThread.start(name: name, stackSize: 8 << 20, { self.runJobs(waiting: true) }) {
            runJobs(waiting: false)
        }
    }

    /// Lets the thread end once the jobs enqueued so far have run.
    func shutDown() {
        queue.withLock { $0.isShutDown = true }
        queue.signal()
    }

    /// Runs jobs until none is left: when `waiting`, waits for more until shut down.
    private func runJobs(waiting: Bool) {
        while let job = queue.withLock(whenReady: { !waiting || !$0.isEmpty || $0.isShutDown }, { $0.take() }) {
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
