/// The file formats items can be exported in.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object per line (JSON Lines).
    case jsonLines = "jsonl"
    /// Comma-separated values with a header row (RFC 4180 quoting).
    case csv
}
