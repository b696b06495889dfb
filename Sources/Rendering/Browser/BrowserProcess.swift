import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// One running Chromium: its process group, the two pipes of its DevTools
/// connection (`--remote-debugging-pipe`: the browser reads commands on its
/// descriptor 3 and writes replies on 4, so no port is ever opened) and the
/// fresh profile directory it runs in.
///
/// The browser gets a new process group, so ``terminate()`` reaches its
/// renderer, GPU and utility processes too; the profile directory is removed
/// after the group is gone.
final class BrowserProcess: Sendable {
    /// The browser's process id (also its process group id).
    let pid: pid_t
    /// Where the browser reads commands (our write end).
    let commandDescriptor: Int32
    /// Where the browser writes replies and events (our read end).
    let replyDescriptor: Int32
    /// The temporary profile directory, removed by ``terminate()``.
    let profileDirectory: String
    /// A loopback socket bound but never listening: the browser's proxy, so a
    /// request that escapes interception is refused instead of going out.
    private let deadProxy: DeadProxyPort
    private let exited = LockedFlag()

    /// Starts `executable` headless with a new profile under `temporaryDirectory`.
    /// - Parameters:
    ///   - executable: the Chromium binary.
    ///   - extraArguments: more command-line switches, after the built-in ones.
    ///   - temporaryDirectory: where the profile directory is made.
    /// - Throws: ``RenderError`` when the profile, the pipes or the process cannot be made.
    init(executable: String, extraArguments: [String], temporaryDirectory: String) throws(RenderError) {
        let template = temporaryDirectory + "/asyncurl-chromium-XXXXXX"
        var templateBytes = Array(template.utf8CString)
        guard mkdtemp(&templateBytes) != nil else {
            throw RenderError(
                .browserUnavailable,
                detail: "cannot make a profile directory under \(temporaryDirectory): \(String(cString: strerror(errno)))")
        }
        profileDirectory = String(decoding: templateBytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            deadProxy = try DeadProxyPort()
            let arguments = BrowserProcess.switches(profile: profileDirectory, proxyPort: deadProxy.port) + extraArguments
            (pid, commandDescriptor, replyDescriptor) = try BrowserProcess.spawn(executable: executable, arguments: arguments)
        } catch {
            BrowserProcess.removeTree(profileDirectory)
            throw error
        }
    }

    /// The switches every browser gets: headless, a fresh profile, no
    /// background traffic, no popups, downloads or permission prompts, a
    /// proxy that refuses everything interception did not answer.
    static func switches(profile: String, proxyPort: Int) -> [String] {
        var switches = [
            "--headless=new", "--remote-debugging-pipe", "--user-data-dir=\(profile)",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
            "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--dns-prefetch-disable",
            "--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider,InterestFeedContentSuggestions,BackForwardCache",
            // Tabs other than the focused one would run as background pages: their
            // renderers at a lower CPU priority (nice 5 was seen) and their timers throttled.
            "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
            "--mute-audio", "--disable-gpu", "--disable-dev-shm-usage", "--block-new-web-contents",
            "--deny-permission-prompts", "--disable-notifications", "--noerrdialogs", "--hide-scrollbars",
            "--proxy-server=http://127.0.0.1:\(proxyPort)", "--proxy-bypass-list=<-loopback>",
            "about:blank"
        ]
        // Chromium refuses to start as root with its sandbox; a crawler run as
        // root (containers) gets no sandbox, which the README points out.
        if geteuid() == 0 { switches.insert("--no-sandbox", at: 1) }
        return switches
    }

    /// Whether the process has been reaped (it exited or was terminated).
    var hasExited: Bool {
        if exited.isSet { return true }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exited.set()
            return true
        }
        return false
    }

    /// Kills the browser's process group (TERM, then KILL after `grace`),
    /// reaps the browser and removes its profile directory. Safe to call twice.
    func terminate(grace: Duration = .seconds(2)) async {
        if !hasExited {
            kill(-pid, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while !hasExited, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if !hasExited {
                kill(-pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                exited.set()
            }
        }
        // Renderers left in the group after the browser died are killed too.
        kill(-pid, SIGKILL)
        close(commandDescriptor)
        deadProxy.close()
        if let singleton = BrowserProcess.singletonDirectory(ofProfile: profileDirectory) {
            BrowserProcess.removeTree(singleton)
        }
        BrowserProcess.removeTree(profileDirectory)
    }

    /// The directory Chromium made in the temporary directory for its
    /// singleton socket (`/tmp/org.chromium.Chromium.XXXXXX`), which the
    /// profile's `SingletonSocket` link points into. Chromium removes it when
    /// it exits cleanly, not when it is killed: a crawl that restarts
    /// browsers would leave one per restart. `nil` unless the link names a
    /// socket in such a directory, directly in a directory of its own, that
    /// this user owns.
    static func singletonDirectory(ofProfile profile: String) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: profile + "/SingletonSocket"),
            target.hasPrefix("/"), target.hasSuffix("/SingletonSocket")
        else { return nil }
        let directory = String(target.dropLast("/SingletonSocket".count))
        guard let slash = directory.lastIndex(of: "/"), directory[directory.index(after: slash)...].hasPrefix("org.chromium.Chromium."),
            !directory.contains("/../"), !directory.contains("/./")
        else { return nil }
        var status = stat()
        guard lstat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_uid == getuid() else { return nil }
        return directory
    }

    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A flag set once, readable from any thread.
final class LockedFlag: Sendable {
    private let state = LockedState(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
