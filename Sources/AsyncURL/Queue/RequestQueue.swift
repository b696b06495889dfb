import AsyncURLSupport

/// A first-in, first-out queue that any thread or task can put to and take from.
///
/// This is the queue of the original AsyncURL library (`queue.put_nowait`):
/// producers put request descriptions on it, ``AsyncURLFetch`` takes them off.
/// Nothing blocks: ``putNowait(_:)`` always succeeds and ``getNowait()``
/// returns `nil` when the queue is empty.
public final class RequestQueue<Element: Sendable>: Sendable {
    private struct Storage {
        var items: [Element] = []
        var head = 0
    }

    private let storage = LockedState(Storage())

    /// Creates an empty queue.
    public init() {}

    /// Appends an element at the back.
    public func putNowait(_ element: Element) {
        storage.withLock { $0.items.append(element) }
    }

    /// Appends elements at the back, in order.
    public func putNowait<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        storage.withLock { $0.items.append(contentsOf: elements) }
    }

    /// Removes and returns the front element, or `nil` when the queue is empty.
    public func getNowait() -> Element? {
        storage.withLock { storage in
            guard storage.head < storage.items.count else { return nil }
            let element = storage.items[storage.head]
            storage.head += 1
            // Compact once the consumed prefix dominates, keeping `get` O(1) amortised.
            if storage.head > 1024, storage.head * 2 > storage.items.count {
                storage.items.removeFirst(storage.head)
                storage.head = 0
            }
            return element
        }
    }

    /// The number of elements waiting.
    public var count: Int {
        storage.withLock { $0.items.count - $0.head }
    }

    /// Whether no element is waiting.
    public var isEmpty: Bool {
        count == 0
    }
}
