#if canImport(Glibc)
    import Glibc
#endif

/// Writes every byte of `bytes` to `descriptor` with `write(2)`, going on
/// after short writes and interruptions. Returns 0, or the `errno` of the
/// write that failed.
package func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += written
    }
    return 0
}
