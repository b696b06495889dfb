import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a crawl's state directory (`flock` on its `lock`
/// file), held while one process uses the directory: a second process
/// given the same directory fails at once instead of resuming state the
/// first is still writing.
///
/// The lock belongs to the open file, so the kernel lets it go when the
/// process ends, however it ends. A lock found held is tried again for up to
/// ``contentionWait`` (250 ms) before giving up: a child process another
/// thread is starting holds a copy of every descriptor between its `fork`
/// and its `exec`, so a lock just released can look held for that long. Creates the directory (mode 0700) when it
/// is missing; the lock file is created with mode 0600 and holds the pid of
/// the process that holds it.
public final class StateDirectoryLock: Sendable {
    /// The lock file's name inside a state directory.
    public static let fileName = "lock"

    /// How long a lock found held is tried again before ``init(directory:)`` fails.
    public static let contentionWait: Duration = .milliseconds(250)

    /// The state directory.
    public let directory: String
    /// The lock file's descriptor; `nil` once released.
    private let descriptor: LockedState<Int32?>

    /// Takes the lock, creating the directory when it is missing.
    /// - Throws: ``StateStoreError`` with operation `lock` when another process
    ///   holds it (the message names its pid), or when the directory or the
    ///   file cannot be created.
    public init(directory: String) throws(StateStoreError) {
        self.directory = directory
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw StateStoreError(path: directory, operation: "create directory", code: -1, message: String(cString: strerror(errno)))
        }
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + Self.fileName
        let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard opened >= 0 else {
            throw StateStoreError(path: path, operation: "open lock", code: -1, message: String(cString: strerror(errno)))
        }
        let deadline = ContinuousClock.now + Self.contentionWait
        var locked = flock(opened, LOCK_EX | LOCK_NB) == 0
        while !locked, errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline {
            usleep(5_000)
            locked = flock(opened, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            let code = errno
            let holder = Self.readPID(opened)
            _ = close(opened)
            let message =
                code == EWOULDBLOCK
                ? "in use by another process" + (holder.map { " (pid \($0))" } ?? "")
                : String(cString: strerror(code))
            throw StateStoreError(path: directory, operation: "lock", code: -1, message: message)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(opened, 0)
        _ = pid.withUnsafeBytes { pwrite(opened, $0.baseAddress, $0.count, 0) }
        descriptor = LockedState(opened)
    }

    deinit {
        release()
    }

    /// Lets the lock go (closing the file). Releasing twice is harmless.
    public func release() {
        descriptor.withLock { descriptor in
            if let open = descriptor { _ = close(open) }
            descriptor = nil
        }
    }

    /// The pid written in the lock file by its holder.
    private static func readPID(_ descriptor: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: buffer.prefix(count), as: UTF8.self).trimmed())
    }
}
