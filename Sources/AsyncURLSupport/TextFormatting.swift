#if canImport(Glibc)
    import Glibc
#endif

/// `printf`-style formatting through the C library's `vsnprintf`, for the
/// modules that do without Foundation (`String(format:)` lives there).
package func formatted(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 256)
        let needed = Int(vsnprintf(&buffer, buffer.count, format, list))
        guard needed >= buffer.count else { return text(of: buffer) }
        return withVaList(arguments) { again in
            var larger = [CChar](repeating: 0, count: needed + 1)
            _ = vsnprintf(&larger, larger.count, format, again)
            return text(of: larger)
        }
    }
}

/// The text of a NUL-terminated C buffer (up to its first NUL), as UTF-8
/// (invalid bytes replaced): `String(cString:)` without its deprecated array form.
package func text(of buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
