extension StringProtocol {
    /// The text with the userinfo (`user:password@`) taken out of every URL in
    /// it (`scheme://user:secret@host/` becomes `scheme://host/`), for output
    /// that must not carry credentials: page logs, feeds, state files, log lines.
    ///
    /// A URL's authority is what follows `://` up to the first `/`, `?`, `#`,
    /// `\`, quote, angle bracket or white space; when it holds an `@`, everything
    /// up to its last `@` is removed (an `@` inside a password is `%40`).
    package func removingURLCredentials() -> String {
        // Most text has no `@`: it is returned without a copy of its bytes
        // (looked for in the contiguous UTF-8 of a String or Substring, not
        // byte by byte through the generic view).
        let hasAt = utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "@")) } ?? utf8.contains(UInt8(ascii: "@"))
        guard hasAt else { return String(self) }
        let bytes = Array(utf8)
        guard bytes.count >= 4 else { return String(self) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "/"),
                bytes[index + 2] == UInt8(ascii: "/")
            {
                result += [UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "/")]
                let start = index + 3
                var end = start
                var lastAt: Int?
                while end < bytes.count, !Self.endsAuthority(bytes[end]) {
                    if bytes[end] == UInt8(ascii: "@") { lastAt = end }
                    end += 1
                }
                let hostStart = lastAt.map { $0 + 1 } ?? start
                changed = changed || lastAt != nil
                result += bytes[hostStart..<end]
                index = end
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return changed ? String(decoding: result, as: UTF8.self) : String(self)
    }

    private static func endsAuthority(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"),
            UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: " "), 0x00...0x1F, 0x7F:
            true
        default: false
        }
    }
}
