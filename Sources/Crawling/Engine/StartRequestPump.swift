/// Reads a spider's ``StartRequestReader`` on a thread of its own, a batch
/// at a time: a reader blocks while it reads (a seed file, or whatever a
/// spider reads from), and on a thread of Swift's cooperative pool (one per
/// core) it would stall the crawl's workers meanwhile.
///
/// The reader is only used on the pump's thread, one batch at a time; call
/// ``close()`` when done, so the thread ends.
actor StartRequestPump {
    private let executor = WriterThreadExecutor(name: "asyncurl-seeds")
    private var reader: any StartRequestReader

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// A pump for `reader`, which it owns from now on.
    init(_ reader: sending any StartRequestReader) {
        self.reader = reader
    }

    /// The reader's next batch, read on the pump's thread; `nil` once there are no more.
    func nextBatch() throws -> [CrawlRequest]? {
        try reader.nextBatch()
    }

    /// Lets the pump's thread end once the batch being read is done.
    nonisolated func close() {
        executor.shutDown()
    }
}
