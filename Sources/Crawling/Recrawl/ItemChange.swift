/// What happened to a keyed item since its page's last visit: the `_change`
/// field of the items a recrawl writes.
public enum ItemChange: String, Sendable, Hashable, Codable {
    /// A key the page did not have before.
    case added
    /// A key the page had, with a different encoded form.
    case changed
    /// A key the page had and has no more (or the page is gone): written as
    /// `{"_change":"removed","_key":KEY,"_url":PAGE}`.
    case removed
}
