import AsyncURLSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Why the browser's reply pipe stopped.
enum DevToolsPipeEnd: Sendable {
    /// The browser closed it (it exited or crashed).
    case closed
    /// A message without its NUL terminator grew past the limit.
    case messageTooLarge(Int)
}

/// The byte level of Chromium's `--remote-debugging-pipe`: JSON messages,
/// each ended by a NUL byte, read on a thread of their own (the read blocks)
/// and written whole under a lock.
final class DevToolsPipe: Sendable {
    private let commandDescriptor: Int32
    private let replyDescriptor: Int32
    private let writeLock = LockedState(false)

    /// - Parameters:
    ///   - commandDescriptor: where commands are written (the browser's descriptor 3).
    ///   - replyDescriptor: where replies and events are read (the browser's descriptor 4);
    ///     the reader thread closes it when it ends.
    init(commandDescriptor: Int32, replyDescriptor: Int32) {
        self.commandDescriptor = commandDescriptor
        self.replyDescriptor = replyDescriptor
    }

    /// Starts the reader thread. `onMessage` gets each message without its
    /// terminator, in order; `onEnd` is called once, last.
    /// - Returns: `false` when the thread could not be started.
    func startReading(
        maxMessageBytes: Int, onMessage: @escaping @Sendable ([UInt8]) -> Void,
        onEnd: @escaping @Sendable (DevToolsPipeEnd) -> Void
    ) -> Bool {
        let descriptor = replyDescriptor
        return DetachedThread.start(name: "AsyncURL.cdp", stackSize: 512 << 10) {
            let end = DevToolsPipe.readMessages(from: descriptor, maxMessageBytes: maxMessageBytes, onMessage: onMessage)
            close(descriptor)
            onEnd(end)
        }
    }

    private static func readMessages(from descriptor: Int32, maxMessageBytes: Int, onMessage: ([UInt8]) -> Void) -> DevToolsPipeEnd {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return .closed }
            var start = 0
            for index in 0..<count where chunk[index] == 0 {
                pending.append(contentsOf: chunk[start..<index])
                onMessage(pending)
                pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
                start = index + 1
            }
            pending.append(contentsOf: chunk[start..<count])
            if pending.count > maxMessageBytes { return .messageTooLarge(pending.count) }
        }
    }

    /// Writes one message and its terminator. Returns 0 or the `errno` of the failed write.
    func send(_ message: [UInt8]) -> Int32 {
        writeLock.withLock { closed -> Int32 in
            guard !closed else { return EPIPE }
            var bytes = message
            bytes.append(0)
            return withSIGPIPEBlocked { bytes.withUnsafeBytes { writeFully(commandDescriptor, $0) } }
        }
    }

    /// Refuses further writes (the owner of the command descriptor closes it).
    func closeForWriting() {
        writeLock.withLock { $0 = true }
    }
}
