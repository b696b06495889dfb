import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A new file for a run that is written once and read while the process
/// lives: no name points to it (`AnonymousFile`: `O_TMPFILE`, else created
/// with `O_EXCL | O_CLOEXEC`, mode 0600, and unlinked at once), so it lives
/// as long as its descriptor and no more (nothing is left behind when the
/// process ends, killed or not).
enum UnlinkedFile {
    /// Creates one in `directory`; its descriptor (the caller closes it) and
    /// the path named in messages (the directory).
    /// - Parameters:
    ///   - directory: where the file is made.
    ///   - prefix: the start of its name, should it need one (`seen-run`, `spill-run`).
    /// - Throws: ``StateStoreError`` when the file cannot be created.
    static func create(in directory: String, prefix: String) throws(StateStoreError) -> (descriptor: Int32, path: String) {
        do {
            return (try AnonymousFile.create(in: directory, prefix: prefix), directory)
        } catch {
            let message = String(cString: strerror(error.code))
            throw StateStoreError(path: error.path, operation: "create \(prefix)", code: error.code, message: message)
        }
    }
}
