import Foundation

/// The wait a `Retry-After` header asks for (RFC 9110 §10.2.3): a number of
/// seconds, or an HTTP-date in any of the three formats HTTP allows
/// (IMF-fixdate, the obsolete RFC 850 form, and asctime).
public enum RetryAfter {
    /// The longest wait honoured unless the caller asks for another cap.
    public static let defaultCap: Duration = .seconds(3600)

    /// The wait for a header value relative to `now`, clamped to `0...cap`;
    /// `nil` when the value is neither a number nor an HTTP-date.
    public static func delay(_ value: String, now: Date = Date(), cap: Duration = defaultCap) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Digits only: seconds. Very long numbers are simply capped.
            let seconds = Int64(trimmed.prefix(12)) ?? Int64.max
            return min(.seconds(seconds), cap)
        }
        guard let date = httpDate(trimmed) else { return nil }
        let seconds = date.timeIntervalSince(now)
        if seconds <= 0 { return .zero }
        return min(.milliseconds(Int64(min(seconds, 1e9) * 1000)), cap)
    }

    /// Parses an HTTP-date (always GMT).
    public static func httpDate(_ text: String) -> Date? {
        let formats = [
            "EEE, dd MMM yyyy HH:mm:ss 'GMT'",   // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            "EEEE, dd-MMM-yy HH:mm:ss 'GMT'",    // RFC 850:     Sunday, 06-Nov-94 08:49:37 GMT
            "EEE MMM d HH:mm:ss yyyy",           // asctime:     Sun Nov  6 08:49:37 1994
        ]
        let collapsed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: collapsed) {
                return date
            }
        }
        return nil
    }
}
