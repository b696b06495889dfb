import Archiving
import CrawlFrontier

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Compares the keyed items a page gave now with those of its last visit:
/// what to write (added and changed items with `_change`, a record per
/// removed key) and the digests to store for the next visit.
///
/// An item's digest is the SHA-1 of its JSON form with sorted keys (after the
/// pipelines). Items without a key (not ``KeyedItem``) are written as they
/// are. Of items sharing a key on one page, the first counts.
struct ItemDiff {
    /// The items to write, in the page's order, removed ones last.
    var output: [any Encodable & Sendable] = []
    /// The page's keyed items now, for its revisit record.
    var digests: [PageRevisit.ItemDigest] = []
    /// Counts by change.
    var counts: [ItemChange: Int] = [:]

    /// Diffs `items` against `previous` (the last visit's digests; empty for a new page).
    /// - Parameter pageURL: the page, named in the records of removed items.
    init(items: [any Encodable & Sendable], previous: [PageRevisit.ItemDigest], pageURL: String) {
        var before: [String: [UInt8]] = [:]
        for item in previous where before[item.key] == nil { before[item.key] = item.digest }
        var seen = Set<String>()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for item in items {
            guard let keyed = item as? any KeyedItem else {
                output.append(item)
                continue
            }
            let key = keyed.itemKey
            guard seen.insert(key).inserted, let data = try? encoder.encode(keyed),
                let value = try? JSONDecoder().decode(JSONValue.self, from: data)
            else { continue }
            let bytes = data.withUnsafeBytes { SHA1Digest.digest(of: $0) }
            digests.append(PageRevisit.ItemDigest(key: key, digest: bytes))
            let earlier = before[key]
            if earlier == bytes { continue }
            let change: ItemChange = earlier == nil ? .added : .changed
            counts[change, default: 0] += 1
            output.append(Self.marked(value, change))
        }
        for item in previous where !seen.contains(item.key) && before.removeValue(forKey: item.key) != nil {
            counts[.removed, default: 0] += 1
            output.append(
                JSONValue.object(["_key": .string(item.key), "_url": .string(pageURL), "_change": .string(ItemChange.removed.rawValue)]))
        }
    }

    /// The item's JSON with its `_change` field (a value that is not an object goes under `_value`).
    private static func marked(_ value: JSONValue, _ change: ItemChange) -> JSONValue {
        guard case .object(var members) = value else {
            return .object(["_value": value, "_change": .string(change.rawValue)])
        }
        members["_change"] = .string(change.rawValue)
        return .object(members)
    }
}
