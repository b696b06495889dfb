import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decides whether a response body is HTML: by its `Content-Type` first, and
/// by looking at its first bytes when there is none (as browsers sniff), so a
/// PDF or an image behind an `.html` link is never parsed as HTML.
public enum HTMLSniffer {
    /// The answer for a response.
    public enum Verdict: Sendable, Hashable {
        /// Parse it as HTML.
        case html
        /// Do not parse it.
        case notHTML
        /// No `Content-Type`: look at the body's first bytes with ``sniff(_:)``.
        case needsSniffing
    }

    /// How many leading bytes ``sniff(_:)`` wants to see, at most.
    public static let sniffLength = 512

    /// The verdict from a `Content-Type` header value (`nil` when absent).
    public static func verdict(contentType: String?) -> Verdict {
        guard let contentType else { return .needsSniffing }
        let mediaType = MediaType(contentType: contentType)
        if mediaType.essence.isEmpty { return .needsSniffing }
        return mediaType.isHTML ? .html : .notHTML
    }

    /// Whether the first bytes of a body look like HTML: after a BOM and white
    /// space, a tag that only HTML starts with (`<!doctype html`, `<html`,
    /// `<head`, `<body`, `<a `, `<div`, `<p`, `<!--`, ...). Binary bytes (NUL
    /// and most control characters) rule HTML out.
    public static func sniff(_ prefix: some Collection<UInt8>) -> Bool {
        var bytes = Array(prefix.prefix(sniffLength))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        for byte in bytes where byte < 0x09 || (byte > 0x0D && byte < 0x20 && byte != 0x1B) {
            return false
        }
        guard let start = bytes.firstIndex(where: { !($0 == 0x20 || (0x09...0x0D).contains($0)) }) else { return false }
        let head = String(decoding: bytes[start...].prefix(16), as: UTF8.self).lowercased()
        let openers = [
            "<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<h1", "<div", "<font",
            "<table", "<a ", "<a>", "<style", "<title", "<b ", "<b>", "<br", "<p ", "<p>", "<!--"
        ]
        return openers.contains { head.hasPrefix($0) }
    }

    /// Whether a body is parsed as HTML: its `Content-Type` says so, or
    /// (without a usable one) its first ``sniffLength`` bytes look like HTML.
    /// - Parameters:
    ///   - contentType: the response's `Content-Type`, if any.
    ///   - body: the body.
    static func isHTML(contentType: String?, body: some Collection<UInt8>) -> Bool {
        switch verdict(contentType: contentType) {
        case .html: true
        case .notHTML: false
        case .needsSniffing: sniff(body.prefix(sniffLength))
        }
    }
}
