import CrawlFrontier
import Foundation
import Testing

@Suite("Retry-After")
struct RetryAfterTests {
    // 1994-11-06 08:49:37 GMT, the RFC's example date.
    private let example = Date(timeIntervalSince1970: 784_111_777)

    @Test("Seconds", arguments: [("0", 0), ("1", 1), ("120", 120), (" 30 ", 30)])
    func seconds(value: String, expected: Int64) {
        #expect(RetryAfter.delay(value) == .seconds(expected))
    }

    @Test(
        "The three HTTP-date forms, relative to now",
        arguments: [
            "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"
        ])
    func dates(value: String) {
        #expect(RetryAfter.delay(value, now: example.addingTimeInterval(-90)) == .seconds(90))
    }

    @Test("Dates in the past mean no wait; huge values are capped")
    func bounds() {
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: example.addingTimeInterval(10)) == .zero)
        #expect(RetryAfter.delay("99999999999999999999") == RetryAfter.defaultCap)
        #expect(RetryAfter.delay("7200", cap: .seconds(60)) == .seconds(60))
        #expect(RetryAfter.delay("Fri, 31 Dec 9999 23:59:59 GMT", now: example) == RetryAfter.defaultCap)
    }

    @Test("Garbage is nil", arguments: ["", "soon", "-5", "1.5", "Sun, 06 Nov 1994", "0x10"])
    func garbage(value: String) {
        #expect(RetryAfter.delay(value) == nil)
    }
}
