#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A capture of a page in an earlier crawl, which a recrawl's fetch of the
/// same page refers to when the page did not change: a `304 Not Modified`
/// becomes a `revisit` record with the `server-not-modified` profile, and a
/// full response whose payload has the same digest one with the
/// `identical-payload-digest` profile, both naming this capture in
/// `WARC-Refers-To-Target-URI` and `WARC-Refers-To-Date`.
public struct WARCPreviousCapture: Sendable, Hashable {
    /// The URL archived then (without userinfo).
    public var url: String
    /// When it was fetched.
    public var date: Date
    /// The SHA-1 digest of its payload (20 bytes).
    public var payloadDigest: [UInt8]

    /// Creates a capture.
    public init(url: String, date: Date, payloadDigest: [UInt8]) {
        self.url = url
        self.date = date
        self.payloadDigest = payloadDigest
    }

    /// The payload digest as WARC writes it (`sha1:` and base32).
    var payloadLabel: String {
        "sha1:" + Base32.encode(payloadDigest)
    }
}
