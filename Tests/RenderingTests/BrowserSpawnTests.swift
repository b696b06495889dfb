import Foundation
import Testing

@testable import Rendering

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Starting the browser process")
struct BrowserSpawnTests {
    @Test(
        "The browser gets its two DevTools pipes and no other descriptor of the crawler (a file opened without close-on-exec stays behind)"
    )
    func noInheritedDescriptors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-spawn-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Like libcurl's sockets, or a file of the crawl: open without close-on-exec.
        let secret = directory + "/crawl-state"
        #expect(FileManager.default.createFile(atPath: secret, contents: Data("x".utf8)))
        let leaked = open(secret, O_RDONLY)
        #expect(leaked >= 0)
        defer { close(leaked) }
        // posix_spawn returns once the program runs: its descriptors are final.
        let (pid, commands, replies) = try BrowserProcess.spawn(executable: "/bin/sleep", arguments: ["30"])
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            close(commands)
            close(replies)
        }
        let fdDirectory = "/proc/\(pid)/fd"
        let numbers = try FileManager.default.contentsOfDirectory(atPath: fdDirectory).compactMap(Int.init).sorted()
        let targets = numbers.map { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\($0)")) ?? "?" }
        #expect(numbers == [0, 1, 2, 3, 4], "\(zip(numbers, targets).map { "\($0) -> \($1)" })")
        #expect(!targets.contains(secret))
    }
}
