#if canImport(Glibc)
import Glibc
#endif

/// `printf`-style formatting through the C library's `vsnprintf`, for the
/// modules that do without Foundation (`String(format:)` lives there).
package func formatted(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 256)
        let needed = Int(vsnprintf(&buffer, buffer.count, format, list))
        guard needed >= buffer.count else { return String(cString: buffer) }
        return withVaList(arguments) { again in
            var larger = [CChar](repeating: 0, count: needed + 1)
            _ = vsnprintf(&larger, larger.count, format, again)
            return String(cString: larger)
        }
    }
}

extension StringProtocol {
    /// The text without the given characters at either end.
    package func trimmed(_ characters: String = " \t\r\n") -> String {
        let set = Set(characters)
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}
