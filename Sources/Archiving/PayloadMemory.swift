import DequeModule

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The payload digests archived so far, with the URL and date of their first
/// capture, for `revisit` records. Bounded: past `capacity` digests the oldest
/// is forgotten (a later copy of its payload is then archived in full again).
struct PayloadMemory {
    struct Capture {
        var url: String
        var date: Date
    }

    let capacity: Int
    private var captures: [String: Capture] = [:]
    private var order: Deque<String> = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The first capture of a payload with this digest, if it is remembered.
    func firstCapture(of digest: String) -> Capture? {
        captures[digest]
    }

    /// Remembers the first capture of a payload.
    mutating func remember(_ digest: String, url: String, date: Date) {
        guard capacity > 0, captures[digest] == nil else { return }
        if order.count >= capacity, let oldest = order.popFirst() {
            captures[oldest] = nil
        }
        captures[digest] = Capture(url: url, date: date)
        order.append(digest)
    }
}
