import Metrics
import Synchronization

/// A swift-metrics counter made on its first increment, then kept: one
/// atomic load per increment afterwards, no lock.
final class LazyCounter: Sendable {
    private let label: String
    private let dimensions: [(String, String)]
    private let counter = AtomicLazyReference<Counter>()

    /// A counter named `label` with `dimensions`, not yet made.
    init(label: String, dimensions: [(String, String)]) {
        self.label = label
        self.dimensions = dimensions
    }

    /// Adds `amount` to the counter, making it the first time.
    func increment(by amount: Int = 1) {
        if let made = counter.load() {
            made.increment(by: amount)
        } else {
            // Two first increments at once may both make one; the one stored counts.
            counter.storeIfNil(Counter(label: label, dimensions: dimensions)).increment(by: amount)
        }
    }
}
