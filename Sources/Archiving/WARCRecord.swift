#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// One WARC 1.1 record: its type, named header fields and content block.
///
/// `WARC-Block-Digest` and `Content-Length` are computed from the block when
/// the record is serialised; the other fields are the caller's.
struct WARCRecord {
    /// The record types this writer produces.
    enum Kind: String {
        case warcinfo, request, response, revisit
    }

    var kind: Kind
    /// `<urn:uuid:...>`.
    var id: String
    var date: Date
    /// Further fields in order (`WARC-Target-URI`, `Content-Type`, ...).
    var fields: [(String, String)]
    /// The content block, in pieces (a head and a body, say).
    var block: [[UInt8]]
    /// The rest of the block, read from a spool file (a body too large to hold), after ``block``.
    var spooledTail: WARCBodySpool?

    init(kind: Kind, date: Date, fields: [(String, String)], block: [[UInt8]], spooledTail: WARCBodySpool? = nil) {
        self.kind = kind
        self.id = Self.newID()
        self.date = date
        self.fields = fields
        self.block = block
        self.spooledTail = spooledTail
    }

    /// A fresh record id.
    static func newID() -> String {
        "<urn:uuid:\(UUID().uuidString.lowercased())>"
    }

    /// The record's header block (ending with the empty line). A spooled
    /// tail is read once here for the block digest (the head before it is
    /// only final once the body's length is known).
    /// - Throws: ``WARCError`` when the spool cannot be read.
    func header() throws(WARCError) -> [UInt8] {
        let digest = SHA1Digest()
        var length = 0
        for piece in block {
            digest.update(piece)
            length += piece.count
        }
        if let spooledTail {
            try spooledTail.forEachPiece { piece in
                digest.update(piece)
                return true
            }
            length += spooledTail.length
        }
        var text = "WARC/1.1\r\nWARC-Type: \(kind.rawValue)\r\nWARC-Record-ID: \(id)\r\nWARC-Date: \(Self.timestamp(date))\r\n"
        for (name, value) in fields {
            text += "\(name): \(Self.fieldValue(value))\r\n"
        }
        text += "WARC-Block-Digest: \(digest.warcLabel())\r\nContent-Length: \(length)\r\n\r\n"
        return Array(text.utf8)
    }

    /// A field value on one line: CR, LF and other controls become spaces.
    static func fieldValue(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// `2026-11-29T21:37:05Z` (W3C-ISO8601, UTC, whole seconds), as WARC-Date is written.
    static func timestamp(_ date: Date) -> String {
        let parts = utcParts(date)
        return
            "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))Z"
    }

    /// `20261129213705`, the 14-digit form CDX indexes use.
    static func compactTimestamp(_ date: Date) -> String {
        let parts = utcParts(date)
        return pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2) + pad(parts.hour, 2) + pad(parts.minute, 2)
            + pad(parts.second, 2)
    }

    private static func utcParts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var broken = tm()
        gmtime_r(&seconds, &broken)
        return (
            Int(broken.tm_year) + 1900, Int(broken.tm_mon) + 1, Int(broken.tm_mday), Int(broken.tm_hour), Int(broken.tm_min),
            Int(broken.tm_sec)
        )
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
