import AsyncURL
import LinkExtraction

/// Extracts links from a response while its body streams in: a
/// `ResponseBodyConsumer` that feeds each chunk from the fetch
/// core's write callback into a libxml2 push parser
/// (`StreamingLinkExtractor`), so a crawl needs neither the
/// whole body nor a document tree to find links.
///
/// Only HTML is parsed (see ``HTMLSniffer``): the `Content-Type` decides, and
/// without one the first bytes do.
///
/// Set it as `Request.bodyConsumer` of one request, then call
/// ``finish()`` after the fetch returned. The fetch core calls the consumer
/// methods on its event-loop thread, one transfer at a time, and the fetch
/// returns only after the last call (the continuation's resumption orders
/// them before ``finish()``), so the unsynchronised state below is never
/// touched by two threads at once.
public final class StreamingLinkConsumer: ResponseBodyConsumer, @unchecked Sendable {
    private let options: LinkExtractionOptions
    private var extractor: StreamingLinkExtractor?
    private var pendingSniff: [UInt8] = []
    private var documentURL: WebURL?
    private var contentType: String?
    private var decided = false
    private var result: LinkExtractionResult?
    /// Whether the body was parsed as HTML.
    public private(set) var parsedAsHTML = false

    /// Creates a consumer with the link extraction options to use.
    public init(options: LinkExtractionOptions = LinkExtractionOptions()) {
        self.options = options
    }

    /// Called by the fetch core when the final response's headers arrived.
    public func responseStarted(url: String, status: Int, headers: HTTPHeaders) {
        extractor = nil
        pendingSniff = []
        decided = false
        parsedAsHTML = false
        documentURL = WebURL(url)
        contentType = headers["Content-Type"]
        switch HTMLSniffer.verdict(contentType: contentType) {
        case .html: start()
        case .notHTML: decided = true
        case .needsSniffing: break
        }
    }

    /// Called by the fetch core with each decoded chunk.
    public func consume(_ chunk: UnsafeRawBufferPointer) {
        if let extractor {
            extractor.feed(chunk)
            return
        }
        guard !decided else { return }
        // Hold whole chunks until enough bytes to sniff arrived (at most one
        // chunk beyond the sniff length), then parse everything held.
        pendingSniff.append(contentsOf: chunk)
        if pendingSniff.count >= HTMLSniffer.sniffLength {
            decide()
        }
    }

    /// Ends parsing and returns the links, or `nil` when the body was not HTML.
    public func finish() -> LinkExtractionResult? {
        if let result { return result }
        if !decided { decide() }
        result = extractor?.finish()
        extractor = nil
        return result
    }

    private func start() {
        decided = true
        guard let documentURL else { return }
        extractor = StreamingLinkExtractor(documentURL: documentURL, contentType: contentType, options: options)
        parsedAsHTML = true
    }

    private func decide() {
        guard !decided else { return }
        if HTMLSniffer.sniff(pendingSniff) {
            start()
            extractor?.feed(pendingSniff)
        } else {
            decided = true
        }
        pendingSniff = []
    }
}
