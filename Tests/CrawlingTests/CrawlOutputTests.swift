import AsyncURLSupport
import Crawling
import Foundation
import TestServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The crawl's writes happen on a thread of their own: a page log that
/// blocks (a pipe nobody reads, standing for a slow disk) holds that thread,
/// not the cooperative pool's.
///
/// Its bounds are hang guards, generous because a loaded full test run has
/// taken three minutes for this crawl: the drainer starts on its own after
/// 240 s, the suite's limit is above that.
@Suite("Crawl output on its own thread", .serialized, .timeLimit(.minutes(6)))
struct CrawlOutputTests {
    @Test("A page log into a full pipe blocks the writer only: the pool runs new tasks meanwhile, and once read the crawl logs every page")
    func blockedPageLogLeavesThePoolFree() async throws {
        let server = try await TestServer.start()
        server.addOrdinaryPages()
        let pages = (1...1000).map { "/ok/\($0)" }
        server.addRoute("/start") { _ in .links(pages) }
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        // Opened read-write by the feed, so neither side waits for the other to open.
        let log = try FeedExporter(path: fifo, format: .jsonLines)
        let reader = open(fifo, O_RDONLY | O_CLOEXEC)
        #expect(reader >= 0)
        // F_GETPIPE_SZ (Linux; not exported to Swift by Glibc).
        let capacity = Int(fcntl(reader, 1032))
        let drainer = PipeDrainer(descriptor: reader, startAfter: 240)

        var settings = CrawlSettings()
        settings.obeysRobots = false
        settings.perHostConcurrency = 8
        let crawler = Crawler(spider: FollowAllSpider(seeds: [server.url("/start")]), settings: settings, pageLog: log)
        let crawl = Task { try await crawler.run() }
        // The pipe fills up (within a page of its capacity: the kernel fills it
        // page by page, and a line does not go into the rest of one): the writer blocks in write(2).
        var buffered: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(200)
        for _ in 0..<20_000 {
            _ = ioctl(reader, UInt(FIONREAD), &buffered)
            if Int(buffered) > capacity - 4096 || ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(Int(buffered) > capacity - 4096, "the page log filled the pipe (\(buffered) of \(capacity) bytes)")
        // A new task on the pool runs while the writer is blocked.
        let ran = await Task.detached { true }.value
        #expect(ran)
        drainer.start()
        let stats = try await crawl.value
        log.close()
        let end = drainer.waitForEnd()
        close(reader)
        #expect(!end.timedOut, "the pool ran the test while the writer was blocked (not only once the drainer's time-out unblocked it)")
        #expect(stats.pages == 1001)
        #expect(end.lines == 1001, "every page is logged once the pipe is read")
        try await server.shutdown()
    }
}

/// Reads a pipe to its end on a thread of its own, once told to or after a
/// time-out (so a frozen pool cannot hang the test); counts the lines.
private final class PipeDrainer: Sendable {
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let result = LockedState((timedOut: false, lines: 0))

    init(descriptor: Int32, startAfter seconds: Int) {
        let thread = Thread { [self] in
            let timedOut = started.wait(timeout: .now() + .seconds(seconds)) == .timedOut
            var lines = 0
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                lines += buffer[0..<count].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            }
            result.withLock { $0 = (timedOut, lines) }
            finished.signal()
        }
        thread.start()
    }

    /// Starts the reading (unless the time-out started it already).
    func start() {
        started.signal()
    }

    /// Waits until the pipe's writers are all closed: the lines read, and
    /// whether the time-out (not ``start()``) started the reading.
    func waitForEnd() -> (timedOut: Bool, lines: Int) {
        finished.wait()
        return result.withLock { $0 }
    }
}
