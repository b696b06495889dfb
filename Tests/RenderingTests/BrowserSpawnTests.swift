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
        // The new program's own start-up may hold a descriptor for a moment (the
        // dynamic loader reading a library): read again until the set settles, for
        // at most 2 s. A descriptor inherited from the crawler never goes away.
        var numbers: [Int] = []
        for _ in 0..<40 {
            numbers = try FileManager.default.contentsOfDirectory(atPath: fdDirectory).compactMap(Int.init).sorted()
            if numbers == [0, 1, 2, 3, 4] { break }
            usleep(50_000)
        }
        let targets = numbers.map { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\($0)")) ?? "?" }
        #expect(numbers == [0, 1, 2, 3, 4], "\(zip(numbers, targets).map { "\($0) -> \($1)" })")
        #expect(!targets.contains(secret))
    }

    @Test("A browser that was killed leaves no singleton directory in /tmp: terminate() removes it with the profile")
    func killedBrowserLeavesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-spawn-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let browser = try BrowserProcess(
            executable: RenderSettings().browserExecutable, extraArguments: [], temporaryDirectory: directory)
        // One command answered: the browser runs (its reply read with a bounded wait of 20 s).
        let command = Array(#"{"id":1,"method":"Browser.getVersion"}"#.utf8) + [0]
        #expect(command.withUnsafeBytes { write(browser.commandDescriptor, $0.baseAddress, $0.count) } == command.count)
        var reader = pollfd(fd: browser.replyDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&reader, 1, 20_000) == 1)
        var reply = [UInt8](repeating: 0, count: 4096)
        let count = read(browser.replyDescriptor, &reply, reply.count)
        #expect(String(decoding: reply.prefix(max(0, count)), as: UTF8.self).hasPrefix(#"{"id":1,"result":"#))
        // Chromium links SingletonSocket in its profile once it runs (waited for at most 20 s).
        var singleton: String?
        for _ in 0..<400 where singleton == nil {
            singleton = BrowserProcess.singletonDirectory(ofProfile: browser.profileDirectory)
            if singleton == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let made = try #require(singleton)
        #expect(made.hasPrefix("/") && made.contains("/org.chromium.Chromium."))
        // A crash: Chromium cannot clean up after SIGKILL.
        kill(-browser.pid, SIGKILL)
        await browser.terminate(grace: .milliseconds(100))
        #expect(!FileManager.default.fileExists(atPath: made))
        #expect(!FileManager.default.fileExists(atPath: browser.profileDirectory))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("Only a socket in an org.chromium.Chromium.* directory of this user is taken for the singleton directory")
    func singletonLinkChecked() throws {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("asyncurl-profile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let link = profile + "/SingletonSocket"
        #expect(BrowserProcess.singletonDirectory(ofProfile: profile) == nil)
        for target in [
            "/etc/SingletonSocket", "relative/org.chromium.Chromium.x/SingletonSocket", "/tmp/org.chromium.Chromium.gone/SingletonSocket",
            "/tmp/x/../org.chromium.Chromium.y/SingletonSocket", "/tmp/org.chromium.Chromium.z/other"
        ] {
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            #expect(BrowserProcess.singletonDirectory(ofProfile: profile) == nil, "\(target)")
        }
    }
}
