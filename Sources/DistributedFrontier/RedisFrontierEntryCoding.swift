import CrawlFrontier

/// How a ``FrontierEntry`` is written into a host queue's members and read back.
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

    /// `FINGERPRINT\nDEPTH\nPRIORITY\nATTEMPT\nURL[\nREFERRER]`.
    static func payload(of entry: FrontierEntry) -> String {
        var text = "\(String(entry.fingerprint, radix: 16))\n\(entry.depth)\n\(entry.priority)\n\(entry.attempt)\n\(entry.url)"
        if let referrer = entry.referrer, !referrer.utf8.contains(UInt8(ascii: "\n")) { text += "\n" + referrer }
        return text
    }

    /// Decodes `SEQUENCE\nPAYLOAD` (a queue member) without its sequence: the payload's fields.
    static func entry(fromPayload payload: Substring, hostKey: String) -> FrontierEntry? {
        let fields = payload.split(separator: "\n", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count >= 5, let fingerprint = UInt64(fields[0], radix: 16), let depth = Int(fields[1]),
              let priority = Int(fields[2]), let attempt = Int(fields[3]) else { return nil }
        return FrontierEntry(url: String(fields[4]), fingerprint: fingerprint, hostKey: hostKey, depth: depth, priority: priority,
                             referrer: fields.count > 5 ? String(fields[5]) : nil, attempt: attempt)
    }
}
