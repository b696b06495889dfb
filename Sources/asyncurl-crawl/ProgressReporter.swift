import AsyncURLSupport
import Crawling

#if canImport(Glibc)
    import Glibc
#endif

/// Shows how the crawl goes: a progress line rewritten twice a second on a
/// terminal, a log line every 10 seconds otherwise (standard error).
final class ProgressReporter: Sendable {
    private let crawler: Crawler
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let task = LockedState<Task<Void, Never>?>(nil)

    init(crawler: Crawler, enabled: Bool) {
        self.crawler = crawler
        self.enabled = enabled
    }

    func start() {
        guard enabled else { return }
        let crawler = crawler
        let isTerminal = isTerminal
        let started = ContinuousClock.now
        task.withLock {
            $0 = Task {
                let interval: Duration = isTerminal ? .milliseconds(500) : .seconds(10)
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    let (stats, queued, inFlight, hosts) = await crawler.progress()
                    let seconds = (ContinuousClock.now - started).inSeconds
                    let rate = seconds > 0 ? Double(stats.pages) / seconds : 0
                    var line = formatted(
                        "pages %d (%.0f/s)  queued %d  in flight %d  errors %d  hosts %d", stats.pages, rate, queued, inFlight,
                        stats.errors, hosts)
                    // Work waiting with nothing in flight: why, and until when.
                    if let waiting = await crawler.waitingMessage() { line += "  " + waiting }
                    if isTerminal { StandardError.rewriteLine(line) } else { StandardError.write(line + "\n") }
                }
            }
        }
    }

    func finish() {
        task.withLock { $0?.cancel() }
        if enabled, isTerminal {
            StandardError.clearLine()
        }
    }
}
