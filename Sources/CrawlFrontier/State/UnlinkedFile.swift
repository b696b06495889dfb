#if canImport(Glibc)
    import Glibc
#endif

/// A new file for a run that is written once and read while the process
/// lives: created with `O_EXCL | O_CLOEXEC` (mode 0600) under a random name,
/// and unlinked at once, so it lives as long as its descriptor and no more
/// (nothing is left behind when the process ends, killed or not).
enum UnlinkedFile {
    /// Creates one in `directory`; its descriptor (the caller closes it) and the path it had.
    /// - Parameters:
    ///   - directory: where the file is made.
    ///   - prefix: the start of its name (`seen-run`, `spill-run`).
    /// - Throws: ``StateStoreError`` when the file cannot be created.
    static func create(in directory: String, prefix: String) throws(StateStoreError) -> (descriptor: Int32, path: String) {
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + "\(prefix)-\(getpid())-\(UInt64.random(in: .min ... .max))"
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StateStoreError(path: path, operation: "create \(prefix)", code: errno, message: String(cString: strerror(errno)))
        }
        unlink(path)
        return (descriptor, path)
    }
}
