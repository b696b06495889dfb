/// An item with a key of its own, which lets a recrawl tell which of a page's
/// items were added, changed or removed since the last visit (see
/// ``ItemChange``). Items without a key are written whenever their page is
/// parsed (new or changed), without a `_change` field.
///
/// ```swift
/// struct Product: KeyedItem {
///     var sku: String
///     var price: String
///     var itemKey: String { sku }
/// }
/// ```
public protocol KeyedItem: Encodable, Sendable {
    /// The item's identity: the same thing on the next visit has the same key.
    var itemKey: String { get }
}
