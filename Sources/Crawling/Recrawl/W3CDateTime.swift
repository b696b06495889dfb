/// Reads the W3C datetime forms sitemaps use for `<lastmod>`
/// (<https://www.w3.org/TR/NOTE-datetime>): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// and `YYYY-MM-DDThh:mm[:ss[.s+]]TZD` with `TZD` `Z` or `±hh:mm`.
enum W3CDateTime {
    /// Milliseconds since 1970 (UTC), or `nil` when `text` is not one of the forms.
    static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(
            text.utf8.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }.reversed()
                .drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }.reversed())
        var reader = Reader(bytes: bytes)
        guard let year = reader.number(digits: 4), (1...9999).contains(year) else { return nil }
        var month = 1
        var day = 1
        if reader.take(UInt8(ascii: "-")) {
            guard let value = reader.number(digits: 2), (1...12).contains(value) else { return nil }
            month = value
            if reader.take(UInt8(ascii: "-")) {
                guard let value = reader.number(digits: 2), (1...daysIn(month: month, year: year)).contains(value) else { return nil }
                day = value
            }
        }
        var millisecondsOfDay: Int64 = 0
        if reader.take(UInt8(ascii: "T")) {
            guard day > 0, let time = reader.timeOfDay(), let offset = reader.zoneOffset() else { return nil }
            millisecondsOfDay = time - offset
        }
        guard reader.isAtEnd else { return nil }
        return daysSince1970(year: year, month: month, day: day) * 86_400_000 + millisecondsOfDay
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * Int64(month > 2 ? month - 3 : month + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func number(digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += digits
            return value
        }

        /// `hh:mm[:ss[.s+]]` in milliseconds.
        mutating func timeOfDay() -> Int64? {
            guard let hour = number(digits: 2), hour < 24, take(UInt8(ascii: ":")), let minute = number(digits: 2), minute < 60 else {
                return nil
            }
            var milliseconds = Int64(hour * 3_600_000 + minute * 60_000)
            if take(UInt8(ascii: ":")) {
                guard let second = number(digits: 2), second < 61 else { return nil }
                milliseconds += Int64(min(second, 59) * 1000)
                if take(UInt8(ascii: ".")) {
                    var fraction = 0
                    var scale = 100
                    var count = 0
                    while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                        fraction += Int(bytes[index] - 0x30) * scale
                        scale /= 10
                        count += 1
                        index += 1
                    }
                    guard count > 0 else { return nil }
                    milliseconds += Int64(fraction)
                }
            }
            return milliseconds
        }

        /// `Z` or `±hh:mm`, as milliseconds east of UTC.
        mutating func zoneOffset() -> Int64? {
            if take(UInt8(ascii: "Z")) { return 0 }
            let sign: Int64
            if take(UInt8(ascii: "+")) { sign = 1 } else if take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
            guard let hours = number(digits: 2), hours < 24, take(UInt8(ascii: ":")), let minutes = number(digits: 2), minutes < 60 else {
                return nil
            }
            return sign * Int64(hours * 3_600_000 + minutes * 60_000)
        }
    }
}
