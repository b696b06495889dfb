import Testing

@testable import LinkExtraction

/// Extracts links from `html` in one go with the streaming extractor.
func streamLinks(
    _ html: [UInt8], url: String = "http://example.com/dir/page.html", contentType: String? = nil,
    options: LinkExtractionOptions = LinkExtractionOptions(), chunkSize: Int = 4096
) throws -> LinkExtractionResult {
    let extractor = try StreamingLinkExtractor(documentURL: url, contentType: contentType, options: options)
    var offset = 0
    while offset < html.count {
        let end = min(offset + chunkSize, html.count)
        extractor.feed(html[offset..<end])
        offset = end
    }
    return extractor.finish()
}

/// Same, from a string.
func streamLinks(
    _ html: String, url: String = "http://example.com/dir/page.html", contentType: String? = nil,
    options: LinkExtractionOptions = LinkExtractionOptions(), chunkSize: Int = 4096
) throws -> LinkExtractionResult {
    try streamLinks(Array(html.utf8), url: url, contentType: contentType, options: options, chunkSize: chunkSize)
}
