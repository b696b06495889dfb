// The ASCII rules of the web's text formats, in one place: trimming (HTTP's
// optional whitespace, the WHATWG's ASCII whitespace), ASCII case-insensitive
// comparison, and the http/https scheme check.

/// ASCII whitespace as the WHATWG standards define it: tab, line feed, form
/// feed, carriage return and space.
package let asciiWhitespace = " \t\n\u{0C}\r"

extension BidirectionalCollection where Element == UInt8 {
    /// The range of the bytes without `isTrimmed` bytes at either end.
    /// - Parameter isTrimmed: which bytes go (ASCII bytes only, so no UTF-8 sequence is cut).
    @inlinable
    package func rangeTrimming(_ isTrimmed: (UInt8) -> Bool) -> Range<Index> {
        var start = startIndex
        var end = endIndex
        while start < end, isTrimmed(self[start]) { formIndex(after: &start) }
        while end > start, isTrimmed(self[index(before: end)]) { formIndex(before: &end) }
        return start..<end
    }
}

extension Sequence where Element == UInt8 {
    /// Whether the bytes equal `other`'s, ASCII letters compared case-insensitively.
    /// - Parameter other: the bytes compared with.
    @inlinable
    package func equalsIgnoringASCIICase(_ other: some Sequence<UInt8>) -> Bool {
        var rhs = other.makeIterator()
        for a in self {
            guard let b = rhs.next() else { return false }
            if a != b, a.asciiLowercased != b.asciiLowercased { return false }
        }
        return rhs.next() == nil
    }
}

extension UInt8 {
    /// The byte with an ASCII capital letter turned into its small letter.
    @inlinable
    package var asciiLowercased: UInt8 { (0x41...0x5A).contains(self) ? self | 0x20 : self }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// The text without the given ASCII characters at either end.
    ///
    /// Compared on bytes (the characters are ASCII): `"\r\n"` is one
    /// `Character`, but a lone CR or LF is trimmed too.
    /// - Parameter characters: the ASCII characters to remove; by default space, tab, CR and LF.
    package func trimmed(_ characters: String = " \t\r\n") -> String {
        let set = characters.utf8
        let range = utf8.rangeTrimming { set.contains($0) }
        return String(decoding: utf8[range], as: UTF8.self)
    }

    /// The text without leading and trailing ASCII whitespace (``asciiWhitespace``).
    package func trimmingASCIIWhitespace() -> String {
        trimmed(asciiWhitespace)
    }
}

extension String {
    /// Whether the text, a URL scheme, is `http` or `https` (ASCII case-insensitively).
    ///
    /// The `String` version of `StringProtocol.isHTTPScheme`, compiled for
    /// `String`: every link a crawl keeps goes through it (the generic one,
    /// unspecialised across modules, cost 2.6% of a crawl's CPU).
    package var isHTTPScheme: Bool {
        let bytes = utf8
        switch bytes.count {
        case 4: return bytes.equalsIgnoringASCIICase("http".utf8)
        case 5: return bytes.equalsIgnoringASCIICase("https".utf8)
        default: return false
        }
    }

    /// Whether the text, an absolute URL, starts with `http://` or `https://`
    /// (the scheme ASCII case-insensitively).
    ///
    /// The `String` version of `StringProtocol.hasHTTPScheme`, on the first
    /// eight bytes: the fetch core checks every hop with it (the generic
    /// one, unspecialised across modules, took 1.8% of a list fetch's CPU).
    package var hasHTTPScheme: Bool {
        var prefix: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &prefix) { buffer in
            for byte in utf8.prefix(8) {
                buffer[count] = byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0)
                count += 1
            }
        }
        let (h, t1, t2, p, fifth, sixth, seventh, eighth) = prefix
        guard count >= 7, h == 0x68, t1 == 0x74, t2 == 0x74, p == 0x70 else { return false }
        if fifth == UInt8(ascii: ":") { return sixth == UInt8(ascii: "/") && seventh == UInt8(ascii: "/") }
        return count == 8 && fifth == UInt8(ascii: "s") && sixth == UInt8(ascii: ":") && seventh == UInt8(ascii: "/")
            && eighth == UInt8(ascii: "/")
    }

    /// The text without leading and trailing ASCII whitespace (``asciiWhitespace``);
    /// the text itself, without a copy, when there is none to remove.
    package func trimmingASCIIWhitespace() -> String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        guard first.isASCIIWhitespace || last.isASCIIWhitespace else { return self }
        return String(decoding: bytes[bytes.rangeTrimming(\.isASCIIWhitespace)], as: UTF8.self)
    }
}

extension UInt8 {
    /// Whether the byte is ASCII whitespace (``asciiWhitespace``).
    @inlinable
    package var isASCIIWhitespace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0C || self == 0x0D
    }
}

extension StringProtocol {
    /// Whether the text equals `other`, ASCII letters compared case-insensitively
    /// (what HTTP field names, media types and HTML attribute values need).
    /// - Parameter other: the text compared with.
    @inlinable
    package func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        utf8.count == other.utf8.count && utf8.equalsIgnoringASCIICase(other.utf8)
    }

    /// Whether the text, a URL scheme, is `http` or `https` (ASCII case-insensitively).
    package var isHTTPScheme: Bool {
        equalsIgnoringASCIICase("http") || equalsIgnoringASCIICase("https")
    }

    /// Whether the text, an absolute URL, starts with `http://` or `https://`
    /// (the scheme ASCII case-insensitively).
    package var hasHTTPScheme: Bool {
        let bytes = utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        return self[startIndex..<colon].isHTTPScheme && bytes[colon...].starts(with: "://".utf8)
    }
}
