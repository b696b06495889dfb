import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One line of a CDXJ index, as pywb reads it:
/// `SURT TIMESTAMP {"url": ..., "mime": ..., "status": ..., "digest": ..., "length": ..., "offset": ..., "filename": ...}`.
enum CDXJLine {
    static func make(url: String, date: Date, mime: String, status: String, digest: String, length: Int, offset: Int, fileName: String)
        -> String
    {
        let bareDigest = digest.hasPrefix("sha1:") ? String(digest.dropFirst(5)) : digest
        let fields = [
            ("url", url), ("mime", mime), ("status", status), ("digest", bareDigest),
            ("length", String(length)), ("offset", String(offset)), ("filename", fileName)
        ]
        let json = "{" + fields.map { "\(jsonQuoted($0.0)): \(jsonQuoted($0.1))" }.joined(separator: ", ") + "}"
        return "\(surt(url)) \(WARCRecord.compactTimestamp(date)) \(json)"
    }

    /// The Sort-friendly URI Reordering Transform of `url`, as pywb keys its
    /// index: lower-cased, scheme and `www.` dropped, host labels reversed and
    /// joined with commas, a non-default port kept, then `)` and the path and
    /// query (`http://www.Example.com:8080/A?b=1` → `com,example:8080)/a?b=1`).
    static func surt(_ url: String) -> String {
        var rest = Substring(url.lowercased())
        var scheme = "http"
        if let range = rest.firstRange(of: "://") {
            scheme = String(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        var port = ""
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = authority[..<colon]
            port = String(authority[authority.index(after: colon)...])
        }
        if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") { port = "" }
        var labels = host.split(separator: ".").map(String.init)
        while labels.count > 2, labels.first?.hasPrefix("www") == true, labels.first.map({ $0.dropFirst(3).allSatisfy(\.isNumber) }) == true
        {
            labels.removeFirst()
        }
        var path = String(rest[authorityEnd...])
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        return labels.reversed().joined(separator: ",") + (port.isEmpty ? "" : ":" + port) + ")" + path
    }
}
