public import AsyncURL
import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A WARC 1.1 archive of what a crawl fetched, written as it goes.
///
/// Each file starts with a `warcinfo` record; each hop of an archived fetch
/// (redirects included) becomes a `request` and a `response` record that name
/// each other (`WARC-Concurrent-To`), or a `revisit` record
/// (`identical-payload-digest`) when the same payload was archived before.
/// Files roll over at ``WARCSettings/maxFileSize`` with numbered names.
///
/// The response block is the HTTP response as AsyncURL received it, with the
/// transfer and content codings removed (libcurl decodes them as the body
/// arrives): a `Transfer-Encoding`, `Content-Encoding` or mismatching
/// `Content-Length` header is kept renamed with the `X-Archive-Orig-` prefix
/// (as pywb writes it) and a `Content-Length` of the stored body is added,
/// so readers (warcio, pywb) see a consistent message.
///
/// Thread-safe: records of concurrent fetches are written one after another
/// under a lock; the two records of one hop are always adjacent, in one file.
public final class WARCArchive: Sendable {
    /// Where and how the archive is written.
    public let settings: WARCSettings
    private let state: LockedState<State>

    private struct State {
        var file: WARCFile?
        var fileIndex = 0
        var records = 0
        var revisits = 0
        var payloads: PayloadMemory
    }

    /// Opens the first file (`stem-00000.warc[.gz]`) and writes its `warcinfo` record.
    public init(settings: WARCSettings) throws(WARCError) {
        self.settings = settings
        var initial = State(payloads: PayloadMemory(capacity: settings.revisitMemory))
        initial.file = try Self.openFile(index: 0, settings: settings)
        initial.records = 1
        state = LockedState(initial)
    }

    /// Records written so far (`warcinfo` records included).
    public var recordCount: Int { state.withLock { $0.records } }
    /// `revisit` records written so far.
    public var revisitCount: Int { state.withLock { $0.revisits } }
    /// Files started so far.
    public var fileCount: Int { state.withLock { $0.fileIndex + 1 } }

    /// Archives every hop of `response` that the fetch captured (the request
    /// must have set `Request.capturesExchange`; without captured hops nothing is written).
    /// - Parameter response: a response whose request captured its exchange.
    /// - Parameter spool: the spool the request streamed its body into (its
    ///   `Request.bodyConsumer`): the final hop's body is copied from it rather
    ///   than taken from `Response.body`, so it need not be held in memory.
    /// - Parameter previous: the page's capture in an earlier crawl (a
    ///   recrawl): a final `304`, or a final payload with the same digest, is
    ///   archived as a `revisit` record referring to it.
    /// - Throws: ``WARCError`` when the archive cannot be written (or the spool read).
    public func archive(_ response: Response, spool: WARCBodySpool? = nil, previous: WARCPreviousCapture? = nil) throws(WARCError) {
        for (index, hop) in response.capturedHops.enumerated() {
            let isFinal = index == response.capturedHops.count - 1
            let body: Body
            if !isFinal {
                body = Body(bytes: [])
            } else if let spool, spool.isStarted, let digest = spool.payloadDigest {
                body = Body(spool: spool, digest: digest)
            } else {
                body = Body(bytes: Array(response.body))
            }
            try archive(
                hop, body: body, bodyKept: isFinal && (response.request.keepsBody || body.spool != nil),
                cut: isFinal && response.isTruncated,
                previous: isFinal ? previous : nil)
        }
    }

    /// A hop's body as archived: in memory, or in a spool file.
    private struct Body {
        var bytes: [UInt8] = []
        var spool: WARCBodySpool?
        /// `sha1:` and the payload digest in base32.
        var digestLabel: String

        init(bytes: [UInt8]) {
            self.bytes = bytes
            digestLabel = SHA1Digest.warcLabel(of: bytes)
        }

        init(spool: WARCBodySpool, digest: [UInt8]) {
            self.spool = spool
            digestLabel = "sha1:" + Base32.encode(digest)
        }

        var length: Int { spool?.length ?? bytes.count }
        var isEmpty: Bool { length == 0 }
    }

    /// Writes the request and response (or revisit) records of one hop.
    private func archive(_ hop: CapturedHop, body: Body, bodyKept: Bool, cut: Bool, previous: WARCPreviousCapture?) throws(WARCError) {
        let target = Self.withoutUserinfo(hop.url)
        let payloadDigest = body.digestLabel
        let head = HTTPMessageHead.normalizedResponseHead(hop.responseHead, bodyLength: body.length)
        var common: [(String, String)] = [("WARC-Target-URI", target)]
        if let address = hop.remoteAddress, !address.isEmpty { common.append(("WARC-IP-Address", address)) }
        let status = HTTPMessageHead.status(of: hop.responseHead)
        let mime = HTTPMessageHead.mediaType(of: hop.responseHead) ?? "unknown"
        let settings = settings
        try state.withLock { (state: inout State) throws(WARCError) in
            try rollOverIfFull(&state)
            guard let file = state.file else { throw WARCError(path: settings.path, message: "the archive is closed") }
            var responseFields = common + [("Content-Type", "application/http;msgtype=response"), ("WARC-Payload-Digest", payloadDigest)]
            var responseBlock = [head]
            var kind = WARCRecord.Kind.response
            if let previous, status == "304" {
                kind = .revisit
                responseFields =
                    common + [
                        ("Content-Type", "application/http;msgtype=response"), ("WARC-Payload-Digest", previous.payloadLabel),
                        ("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/server-not-modified"),
                        ("WARC-Refers-To-Target-URI", previous.url), ("WARC-Refers-To-Date", WARCRecord.timestamp(previous.date))
                    ]
            } else if !body.isEmpty,
                let first = Self.earlierCapture(of: payloadDigest, previous: bodyKept ? previous : nil, payloads: state.payloads)
            {
                kind = .revisit
                responseFields += [
                    ("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"),
                    ("WARC-Refers-To-Target-URI", first.url), ("WARC-Refers-To-Date", WARCRecord.timestamp(first.date))
                ]
            } else {
                if !body.isEmpty { state.payloads.remember(payloadDigest, url: target, date: hop.date) }
                if cut {
                    // Cut at the fetch's body size limit.
                    responseFields.append(("WARC-Truncated", "length"))
                } else if !bodyKept {
                    responseFields.append(("WARC-Truncated", "unspecified"))
                }
                if body.spool == nil { responseBlock.append(body.bytes) }
            }
            let spooledTail = kind == .response ? body.spool : nil
            let responseRecord = WARCRecord(
                kind: kind, date: hop.date, fields: responseFields, block: responseBlock, spooledTail: spooledTail)
            var requestBlock = [hop.requestHead]
            if let requestBody = hop.requestBody, !requestBody.isEmpty { requestBlock.append(Array(requestBody)) }
            let requestRecord = WARCRecord(
                kind: .request, date: hop.date,
                fields: common + [("Content-Type", "application/http;msgtype=request"), ("WARC-Concurrent-To", responseRecord.id)],
                block: requestBlock)
            let placed = try file.append(responseRecord)
            try file.append(requestRecord)
            state.records += 2
            if kind == .revisit { state.revisits += 1 }
            file.index(
                CDXJLine.make(
                    url: target, date: hop.date, mime: kind == .revisit ? "warc/revisit" : mime, status: status,
                    digest: payloadDigest, length: placed.length, offset: placed.offset, fileName: file.name))
        }
    }

    /// The capture a payload with this digest repeats: the page's own capture
    /// in an earlier crawl, else the first one of this crawl that is remembered.
    private static func earlierCapture(of digest: String, previous: WARCPreviousCapture?, payloads: PayloadMemory) -> PayloadMemory.Capture?
    {
        if let previous, previous.payloadLabel == digest { return PayloadMemory.Capture(url: previous.url, date: previous.date) }
        return payloads.firstCapture(of: digest)
    }

    /// Closes the current file (and writes its index). Later archiving fails.
    public func close() throws(WARCError) {
        let file = state.withLock { state -> WARCFile? in
            defer { state.file = nil }
            return state.file
        }
        try file?.close()
    }

    private func rollOverIfFull(_ state: inout State) throws(WARCError) {
        guard let file = state.file, file.length >= settings.maxFileSize else { return }
        try file.close()
        state.fileIndex += 1
        state.file = try Self.openFile(index: state.fileIndex, settings: settings)
        state.records += 1
    }

    private static func openFile(index: Int, settings: WARCSettings) throws(WARCError) -> WARCFile {
        let path = settings.fileName(index: index)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let indexPath: String? = settings.writesCDXJ ? String(path.dropLast(path.hasSuffix(".warc.gz") ? 8 : 5)) + ".cdxj" : nil
        let file = try WARCFile(path: path, name: name, compressed: settings.isCompressed, indexPath: indexPath)
        let info =
            "software: \(settings.software)\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
        let record = WARCRecord(
            kind: .warcinfo, date: Date(), fields: [("WARC-Filename", name), ("Content-Type", "application/warc-fields")],
            block: [Array(info.utf8)])
        try file.append(record)
        return file
    }

    /// `url` without a `user:password@` part: credentials are not archived.
    static func withoutUserinfo(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + String(url[url.index(after: at)...])
    }
}
