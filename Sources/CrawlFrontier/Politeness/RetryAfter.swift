import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The wait a `Retry-After` header asks for (RFC 9110 §10.2.3): a number of
/// seconds, or an HTTP-date in any of the three formats HTTP allows
/// (IMF-fixdate, the obsolete RFC 850 form, and asctime).
package enum RetryAfter {
    /// The longest wait honoured unless the caller asks for another cap.
    package static let defaultCap: Duration = .seconds(3600)

    /// The wait for a header value relative to `now`, clamped to `0...cap`;
    /// `nil` when the value is neither a number nor an HTTP-date.
    package static func delay(_ value: String, now: Date = Date(), cap: Duration = defaultCap) -> Duration? {
        let trimmed = value.trimmed(" \t")
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

    /// Parses an HTTP-date (always GMT) in any of its three formats:
    /// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`,
    /// `Sun Nov  6 08:49:37 1994`. The weekday is not checked.
    package static func httpDate(_ text: String) -> Date? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var time: [Int]?
        switch words.count {
        case 4 where words[3] == "GMT" && words[1].contains("-"):
            // RFC 850: weekday, dd-Mon-yy time GMT
            let parts = words[1].split(separator: "-").map(String.init)
            guard parts.count == 3 else { return nil }
            day = Int(parts[0])
            month = monthNumber(parts[1])
            // Two-digit years: 70-99 are 19xx, the rest 20xx (RFC 9110 reads them as at most 50 years ahead).
            year = Int(parts[2]).map { $0 < 70 ? 2000 + $0 : ($0 < 100 ? 1900 + $0 : $0) }
            time = clock(words[2])
        case 6 where words[5] == "GMT":
            // IMF-fixdate: weekday, dd Mon yyyy time GMT
            day = Int(words[1])
            month = monthNumber(words[2])
            year = Int(words[3])
            time = clock(words[4])
        case 5:
            // asctime: weekday Mon d time yyyy
            month = monthNumber(words[1])
            day = Int(words[2])
            time = clock(words[3])
            year = Int(words[4])
        default:
            return nil
        }
        guard let day, let month, let year, let time, (1...31).contains(day), (1...9999).contains(year) else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month - 1)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(time[0])
        fields.tm_min = Int32(time[1])
        fields.tm_sec = Int32(time[2])
        let seconds = timegm(&fields)
        guard seconds != -1 || (year == 1969 && month == 12 && day == 31) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func monthNumber(_ name: String) -> Int? {
        months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    /// `hh:mm:ss` as three numbers in range.
    private static func clock(_ text: String) -> [Int]? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 3, (0...23).contains(parts[0]), (0...59).contains(parts[1]), (0...60).contains(parts[2]) else { return nil }
        return parts
    }
}
