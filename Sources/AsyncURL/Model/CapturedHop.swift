#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One request/response exchange of a transfer as it crossed the wire, kept
/// when the request sets ``Request/capturesExchange`` (for archiving, as WARC
/// files need it).
///
/// The heads are the bytes libcurl sent and received: the request line and
/// header lines (with libcurl's own `Host`, `User-Agent` and `Accept-Encoding`),
/// and the status line and header lines of the response, each ending with the
/// empty line. Bodies are not repeated here: the final hop's body is the
/// response's ``Response/body``; the bodies of redirect responses are not kept.
public struct CapturedHop: Sendable {
    /// The URL this hop requested.
    public var url: String
    /// When the hop started.
    public var date: Date
    /// The request head as sent (at most 256 KiB are kept).
    public var requestHead: [UInt8]
    /// The request body sent, if any.
    public var requestBody: Data?
    /// The response head as received (within the client's header-size limit).
    public var responseHead: [UInt8]
    /// The IP address the hop's connection went to, when libcurl reported one.
    public var remoteAddress: String?

    /// Creates a record of one hop.
    public init(url: String, date: Date, requestHead: [UInt8], requestBody: Data?, responseHead: [UInt8], remoteAddress: String?) {
        self.url = url
        self.date = date
        self.requestHead = requestHead
        self.requestBody = requestBody
        self.responseHead = responseHead
        self.remoteAddress = remoteAddress
    }
}
