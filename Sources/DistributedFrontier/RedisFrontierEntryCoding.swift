import CrawlFrontier

/// How a ``FrontierEntry`` is written into a host queue's members and read back:
/// `FINGERPRINT\nDEPTH\nPRIORITY\nATTEMPT\nREQUEST\nURL[\nREFERRER]`, where
/// REQUEST is the entry's opaque payload (the request's method, headers,
/// body and meta) in base64, empty when it has none.
///
/// The URL is stored as given, user name and password included (the fetch
/// needs them); the referrer, kept for the page log only, is stored without them.
enum RedisFrontierEntryCoding {
    /// The seen-set bucket (top 16 bits, hex) and member (low 48 bits, decimal) of a fingerprint.
    static func seenKey(_ fingerprint: UInt64) -> (bucket: [UInt8], member: [UInt8]) {
        (Array(String(fingerprint >> 48, radix: 16).utf8), Array(String(fingerprint & 0xFFFF_FFFF_FFFF).utf8))
    }

    /// Priority first (higher first), then depth (shallower first).
    static func score(of entry: FrontierEntry) -> Int64 {
        let priority = Int64(min(max(entry.priority, -1_000_000), 1_000_000))
        let depth = Int64(min(max(entry.depth, 0), 1_000_000))
        return -priority * 1_048_576 + depth
    }

    /// The queue member's payload (without its sequence number).
    static func payload(of entry: FrontierEntry) -> String {
        let request = entry.payload.map(Base64.encode) ?? ""
        var text = "\(String(entry.fingerprint, radix: 16))\n\(entry.depth)\n\(entry.priority)\n\(entry.attempt)\n\(request)\n\(entry.url)"
        if let referrer = entry.referrer, !referrer.utf8.contains(UInt8(ascii: "\n")) { text += "\n" + withoutUserInfo(referrer) }
        return text
    }

    /// Decodes a payload written by ``payload(of:)``; `nil` when it is not one.
    static func entry(fromPayload payload: Substring, hostKey: String) -> FrontierEntry? {
        let fields = payload.split(separator: "\n", maxSplits: 6, omittingEmptySubsequences: false)
        guard fields.count >= 6, let fingerprint = UInt64(fields[0], radix: 16), let depth = Int(fields[1]),
            let priority = Int(fields[2]), let attempt = Int(fields[3])
        else { return nil }
        var request: [UInt8]?
        if !fields[4].isEmpty {
            guard let decoded = Base64.decode(fields[4].utf8) else { return nil }
            request = decoded
        }
        return FrontierEntry(
            url: String(fields[5]), fingerprint: fingerprint, hostKey: hostKey, depth: depth, priority: priority,
            referrer: fields.count > 6 ? String(fields[6]) : nil, attempt: attempt, payload: request)
    }

    /// `url` without the user name and password of its authority
    /// (`http://user:secret@host/` gives `http://host/`), for what Redis
    /// keeps for people and other workers to read: seeds, referrers.
    static func withoutUserInfo(_ url: String) -> String {
        let bytes = Array(url.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: "://".utf8) else { return url }
        let authorityStart = colon + 3
        let authorityEnd =
            bytes[authorityStart...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? bytes.endIndex
        guard let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) else { return url }
        return String(decoding: bytes[..<authorityStart] + bytes[(at + 1)...], as: UTF8.self)
    }
}
