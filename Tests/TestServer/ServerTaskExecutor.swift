import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A task executor with threads of its own, on which every test server's
/// connection handlers run.
///
/// Swift's cooperative pool has one thread per core (two on the CI machine).
/// Tests that compute for seconds without suspending (property tests, large
/// parses) hold those threads; a server whose handlers ran there would stop
/// answering meanwhile, and the clients under test would time out for no
/// fault of theirs. On these threads the servers answer whatever the tests do.
final class ServerTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor all test servers share (its threads live as long as the test process).
    static let shared = ServerTaskExecutor(threads: 4)

    // `jobs` and `isStopped` are touched only while `mutex` is held.
    private var jobs: [UnownedJob] = []
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    private init(threads: Int) {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.runJobs() }
            thread.name = "test-server-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(unowned)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func runJobs() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty {
                pthread_cond_wait(condition, mutex)
            }
            let job = jobs.removeFirst()
            pthread_mutex_unlock(mutex)
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
