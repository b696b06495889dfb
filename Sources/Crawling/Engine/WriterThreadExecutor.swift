import Foundation

/// A serial executor with one thread of its own, for the actor that writes a
/// crawl's files and SQLite state (``CrawlOutput``).
///
/// Swift's cooperative pool has one thread per core. `write(2)` to a slow disk
/// or a full pipe, and an SQLite commit with its `fsync`, block the thread they
/// run on; on a pool thread they would stall every worker's parsing meanwhile.
/// Jobs run here in the order they were enqueued. The thread starts with the
/// first job and ends once ``shutDown()`` was called and the queue is empty;
/// a job enqueued after that starts a new one (it is never lost).
final class WriterThreadExecutor: SerialExecutor, @unchecked Sendable {
    /// The name the thread shows (in `top -H`, in a debugger).
    private let name: String
    // `jobs`, `threadRuns` and `isShutDown` are touched only while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var threadRuns = false
    private var isShutDown = false

    /// Creates the executor; its thread starts with the first job.
    init(name: String) {
        self.name = name
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let startsThread = !threadRuns
        threadRuns = true
        condition.signal()
        condition.unlock()
        if startsThread {
            let thread = Thread { self.runJobs() }
            thread.name = name
            thread.start()
        }
    }

    /// Lets the thread end once the jobs enqueued so far have run.
    func shutDown() {
        condition.lock()
        isShutDown = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while let job = nextJob() {
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }

    /// The next job, waiting for one; `nil` when the thread should end.
    private func nextJob() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty, !isShutDown {
            condition.wait()
        }
        guard !jobs.isEmpty else {
            threadRuns = false
            return nil
        }
        return jobs.removeFirst()
    }
}
