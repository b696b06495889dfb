// Options for the canonical form of URLs used for deduplication.

/// How `CanonicalURL` rewrites the query string.
///
/// Scheme and host lowercasing, default-port removal, fragment removal, dot-segment
/// removal and percent-encoding normalisation always happen; the options cover the
/// query, whose parameters are meaningful to some sites.
public struct CanonicalizationOptions: Sendable, Hashable {
    /// Sort query parameters by name (a stable sort: values of one name keep their order).
    public var sortsQueryParameters: Bool
    /// Names of query parameters to drop. A trailing `*` matches any suffix (`utm_*`).
    /// Names are compared case-insensitively with the percent-decoded parameter name.
    /// Path parameters of these names (`/item;jsessionid=A1B2`) are dropped too.
    public var removedQueryParameters: [String]

    /// Creates options.
    public init(sortsQueryParameters: Bool = false, removedQueryParameters: [String] = []) {
        self.sortsQueryParameters = sortsQueryParameters
        self.removedQueryParameters = removedQueryParameters
    }

    /// No query rewriting beyond percent-encoding normalisation.
    public static let minimal = CanonicalizationOptions()

    /// Sorted query, and tracking/session parameters removed, from the query
    /// and from path parameters (`utm_*`, `gclid`, `fbclid`, `sessionid`,
    /// `jsessionid`, `phpsessid`, `sid`).
    public static let crawler = CanonicalizationOptions(
        sortsQueryParameters: true,
        removedQueryParameters: ["utm_*", "gclid", "fbclid", "sessionid", "jsessionid", "phpsessid", "sid"])

    /// Whether a parameter called `name` (already decoded and lowercased) is removed.
    func removes(_ name: String) -> Bool {
        for pattern in removedQueryParameters {
            let lowered = pattern.lowercased()
            if lowered.hasSuffix("*") {
                if name.hasPrefix(lowered.dropLast()) { return true }
            } else if name == lowered {
                return true
            }
        }
        return false
    }
}
