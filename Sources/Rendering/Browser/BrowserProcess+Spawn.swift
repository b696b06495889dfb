import CEpoll

#if canImport(Glibc)
    import Glibc
#endif

extension BrowserProcess {
    /// Starts `executable` in a new process group with the DevTools pipes on
    /// its descriptors 3 and 4, standard input from /dev/null, its output
    /// discarded and no other descriptor of this process. Returns the pid
    /// and our ends of the pipes (close-on-exec).
    static func spawn(executable: String, arguments: [String]) throws(RenderError) -> (pid_t, Int32, Int32) {
        var commands: [Int32] = [-1, -1]
        var replies: [Int32] = [-1, -1]
        // Close-on-exec from the start: no end leaks into another child started
        // meanwhile; the browser's ends become its 3 and 4 through dup2, which clears the flag.
        guard asyncurl_pipe_cloexec(&commands) == 0 else { throw RenderError.system("pipe", errno) }
        guard asyncurl_pipe_cloexec(&replies) == 0 else {
            close(commands[0])
            close(commands[1])
            throw RenderError.system("pipe", errno)
        }
        defer {
            close(commands[0])
            close(replies[1])
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, commands[0], 3)
        posix_spawn_file_actions_adddup2(&actions, replies[1], 4)
        // Nothing else of ours: descriptors without close-on-exec (libcurl's
        // sockets, accepted sockets, the crawl's files and its Redis
        // connection) would otherwise live on in the browser, which renders
        // untrusted pages, and a connection it holds is never really closed.
        asyncurl_spawn_close_from(&actions, 5)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = (argv + [nil]).withUnsafeBufferPointer { argvPointer -> Int32 in
            guard let arguments = argvPointer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, executable, &actions, &attributes, arguments, environ)
        }
        guard result == 0 else {
            close(commands[1])
            close(replies[0])
            throw RenderError(.browserUnavailable, detail: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return (pid, commands[1], replies[0])
    }
}
