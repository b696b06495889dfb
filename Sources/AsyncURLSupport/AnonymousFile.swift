#if canImport(Glibc)
    import Glibc
#endif

/// Files no name points to, for data written and read back while the process
/// lives: the spill queue's and the seen-set's runs, a body's spool.
package enum AnonymousFile {
    /// Why a file could not be made.
    package struct Failure: Error, Sendable {
        /// The path tried (the directory, or the named file of the fallback).
        package let path: String
        /// `errno`.
        package let code: Int32
    }

    /// Where temporary files go when no directory is given: `TMPDIR`, else `/tmp`.
    package static var temporaryDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    }

    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`), which Glibc declares only
    /// under `_GNU_SOURCE`: the value of Linux's generic ABI (x86-64, arm64).
    private static let temporaryFileFlag: Int32 = 0o20_000_000 | O_DIRECTORY

    /// A new, empty file in `directory`, open for reading and writing
    /// (close-on-exec, mode 0600), that no name points to. Made with
    /// `O_TMPFILE`, it never has a name, so nothing can be left behind,
    /// whatever happens to the process. On a file system without `O_TMPFILE`
    /// it is created with `O_EXCL` under a random name starting with `prefix`
    /// and unlinked at once (a process killed in between leaves that name).
    /// - Parameters:
    ///   - directory: where the file is made (its file system holds the data).
    ///   - prefix: the start of the name the fallback gives it for a moment.
    ///   - triesUnnamed: `false` goes straight to the fallback (for its tests).
    /// - Returns: the descriptor; the caller closes it.
    /// - Throws: ``Failure`` with `errno` when neither way works.
    package static func create(in directory: String, prefix: String, triesUnnamed: Bool = true) throws(Failure) -> Int32 {
        let directory = directory.isEmpty ? "." : directory
        if triesUnnamed {
            let unnamed = open(directory, temporaryFileFlag | O_RDWR | O_CLOEXEC, 0o600)
            if unnamed >= 0 { return unnamed }
        }
        let path = directory + (directory.hasSuffix("/") ? "" : "/") + "\(prefix)-\(getpid())-\(UInt64.random(in: .min ... .max))"
        let named = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard named >= 0 else { throw Failure(path: path, code: errno) }
        unlink(path)
        return named
    }
}
