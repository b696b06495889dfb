import AsyncURLSupport
import Crawling
import Foundation
import TestServer

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `asyncurl-crawl` binary (next to the test binary in the
/// build folder) as a child process, for tests of what only a process shows:
/// signals, exit codes, being killed.
final class CrawlCommandProcess {
    let pid: pid_t
    private var exitStatus: Int32?
    /// The highest resident memory seen while ``waitForExit(limit:)`` polled
    /// (the kernel's high-water mark, `VmHWM`), in bytes. Not `wait4`'s
    /// `ru_maxrss`: a spawned child's counts the test process's own peak,
    /// which the child's address space shared until it ran `exec`.
    private(set) var peakResidentBytes: Int?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The `asyncurl-crawl` binary beside the running test binary.
    static var executablePath: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("asyncurl-crawl").path
    }

    /// Runs the crawler with `arguments` to its end (at most `limit`, then it is
    /// killed): its exit status (-1 when killed) and its standard output and error together.
    static func run(_ arguments: [String], environment: [String: String] = [:], limit: Duration = .seconds(60)) async throws -> (
        exit: Int32, text: String
    ) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-cli-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pid = try ChildProcess.spawn(executablePath, arguments, standardOutput: path, standardError: path, environment: environment)
        var status: Int32?
        let deadline = ContinuousClock.now + limit
        while status == nil, ContinuousClock.now < deadline {
            status = ChildProcess.waitForExit(pid, timeout: .milliseconds(0))
            if status == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        if status == nil {
            kill(pid, SIGKILL)
            _ = ChildProcess.waitForExit(pid, timeout: .seconds(5))
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return (status.map { ($0 >> 8) & 0xff } ?? -1, text)
    }

    /// Starts the crawler with `arguments`; standard output and error go to `logPath`.
    convenience init(_ arguments: [String], logPath: String) throws {
        let tool = Self.executablePath
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw Failure(description: "\(tool) is missing: build it first (scripts/test.sh builds every product)")
        }
        try self.init(running: tool, arguments, logPath: logPath)
    }

    /// Starts `tool` (a shell running the crawler in a pipeline, say) with
    /// `arguments`; standard output and error go to `logPath`.
    init(running tool: String, _ arguments: [String], logPath: String) throws {
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(tool, arguments, standardOutput: logPath, standardError: logPath)
        } catch {
            throw Failure(description: error.description)
        }
        self.pid = pid
    }

    deinit {
        // Never leave a crawler running after its test.
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }

    func send(_ signalNumber: Int32) {
        if exitStatus == nil { kill(pid, signalNumber) }
    }

    /// Waits for the process to end, at most `limit`; its exit code (128 + the
    /// signal's number when a signal ended it), or `nil` if it still runs.
    func waitForExit(limit: Duration = .seconds(120)) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while exitStatus == nil, ContinuousClock.now < deadline {
            if let highWater = residentHighWater() {
                peakResidentBytes = max(peakResidentBytes ?? 0, highWater)
            }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let signalled = status & 0x7f
                exitStatus = signalled == 0 ? (status >> 8) & 0xff : 128 + signalled
            } else {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return exitStatus
    }

    /// The larger of ``peakResidentBytes`` and the peak the crawler reported
    /// itself (`peakMemory`, its own `VmHWM` when the crawl ended) in the
    /// `--stats` file at `statsPath`: polling alone can miss a peak reached
    /// just before a short run ends.
    func peakResidentBytes(reportedIn statsPath: String) -> Int? {
        let reported = FileManager.default.contents(atPath: statsPath)
            .flatMap { try? JSONDecoder().decode(CrawlStats.self, from: $0) }?.peakMemory
        guard let sampled = peakResidentBytes else { return reported }
        return max(sampled, reported ?? 0)
    }

    /// The process's resident high-water mark (`VmHWM` in `/proc/PID/status`)
    /// in bytes, while it runs; `nil` once it has ended.
    private func residentHighWater() -> Int? {
        FileManager.default.contents(atPath: "/proc/\(pid)/status").flatMap(ResidentMemory.highWater(inStatus:))
    }

    /// Sends `signalNumber` as soon as `file` has `count` lines, watching from a
    /// thread of its own: the test's task may wait long for a turn on a busy
    /// cooperative pool, and the crawl would run on meanwhile. Gives up after `limit`.
    func send(_ signalNumber: Int32, whenLinesIn file: String, reach count: Int, limit: Duration = .seconds(60)) {
        let pid = pid
        let thread = Thread {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                if let data = FileManager.default.contents(atPath: file), data.reduce(0, { $1 == 0x0A ? $0 + 1 : $0 }) >= count {
                    kill(pid, signalNumber)
                    return
                }
                usleep(5_000)
            }
        }
        thread.start()
    }

    /// Waits until `file` contains `text` (at most `limit`); whether it did.
    static func waitForText(in file: String, containing text: String, limit: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: file), String(decoding: data, as: UTF8.self).contains(text) {
                return true
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
