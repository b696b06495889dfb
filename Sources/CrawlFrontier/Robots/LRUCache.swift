/// A cache that keeps at most ``capacity`` values and at most ``maxCost`` in
/// total cost, dropping the least recently used first. Every operation is
/// O(1) (a dictionary and a doubly linked list kept in an array).
package struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value?
        var cost: Int
        var newer = -1
        var older = -1
    }

    private var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var slots: [Key: Int] = [:]
    /// The most recently used slot, and the least.
    private var newest = -1
    private var oldest = -1
    /// The most values kept.
    package let capacity: Int
    /// The most total cost kept (a single value costing more is not kept).
    package let maxCost: Int
    /// The cost of the values kept.
    package private(set) var totalCost = 0
    /// Values dropped to make room so far.
    package private(set) var evictions = 0

    /// Creates an empty cache.
    package init(capacity: Int, maxCost: Int = .max) {
        self.capacity = max(1, capacity)
        self.maxCost = max(1, maxCost)
    }

    /// Values kept.
    package var count: Int { slots.count }

    /// The value for `key`, which becomes the most recently used.
    package mutating func value(forKey key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        unlink(slot)
        linkAsNewest(slot)
        return nodes[slot].value
    }

    /// Keeps `value` for `key` (replacing any), dropping the least recently used values over the bounds.
    package mutating func setValue(_ value: Value, forKey key: Key, cost: Int = 1) {
        removeValue(forKey: key)
        let cost = max(0, cost)
        guard cost <= maxCost else { return }
        while slots.count >= capacity || totalCost + cost > maxCost, oldest >= 0 {
            removeValue(forKey: nodes[oldest].key)
            evictions += 1
        }
        let node = Node(key: key, value: value, cost: cost)
        let slot: Int
        if let free = freeSlots.popLast() {
            nodes[free] = node
            slot = free
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        slots[key] = slot
        totalCost += cost
        linkAsNewest(slot)
    }

    /// Drops the value for `key`, if any.
    package mutating func removeValue(forKey key: Key) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        unlink(slot)
        totalCost -= nodes[slot].cost
        nodes[slot].value = nil
        freeSlots.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (nodes[slot].newer, nodes[slot].older)
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[slot].newer = -1
        nodes[slot].older = -1
    }

    private mutating func linkAsNewest(_ slot: Int) {
        nodes[slot].older = newest
        nodes[slot].newer = -1
        if newest >= 0 { nodes[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
