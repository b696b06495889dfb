import AsyncURL
import LinkExtraction

/// The links of a fetched page, as a crawl takes them: only HTML (by
/// `Content-Type`, else sniffed) with a 2xx status is parsed, within the
/// settings' URL length and link-bytes caps; `rel=nofollow` links are left
/// out unless the settings follow them.
struct PageLinks {
    /// Whether the body is HTML; `nil` for a page not parsed (not found out).
    let isHTML: Bool?
    /// The links kept, resolved, fragments stripped.
    var links: [Link] = []
    /// Links dropped for being longer than the URL length limit.
    var tooLong = 0
    /// Links dropped for being beyond the page's link caps.
    var overPageCap = 0
    /// Whether the page's `<base href>` was too long (and ignored).
    var droppedBaseHref = false

    /// Links dropped in all (`<base href>` included).
    var dropped: Int { tooLong + overPageCap + (droppedBaseHref ? 1 : 0) }

    /// A page not parsed for links (nothing would read them): no links, and
    /// whether it is HTML is left to whoever asks (``CrawlResponse/isHTML``).
    static let unparsed = PageLinks(isHTML: nil)

    private init(isHTML: Bool?) {
        self.isHTML = isHTML
    }

    /// Extracts the links of `response` as a crawl with `settings` does.
    /// - Parameters:
    ///   - response: the page.
    ///   - settings: the crawl's URL length and link-bytes caps, and whether nofollow links are followed.
    ///   - sharedHrefs: hrefs resolved on the crawl's earlier pages, if they are kept.
    ///   - collectsAnchorText: whether the links' text is read (`false`: every `Link.text` is empty, and cheaper).
    init(of response: Response, settings: CrawlSettings, sharedHrefs: ResolvedHrefCache? = nil, collectsAnchorText: Bool = true) {
        let isHTML = HTMLSniffer.isHTML(contentType: response.headers["Content-Type"], body: response.body)
        self.isHTML = isHTML
        guard isHTML, (200..<300).contains(response.status), let documentURL = WebURL(response.finalURL) else { return }
        // Every link is offered to the frontier (PDFs and images too, as
        // Scrapy's CrawlSpider with deny_extensions=[] does); scope,
        // robots.txt and the seen-set decide. Only HTML is parsed.
        var options = LinkExtractionOptions()
        options.maxURLLength = settings.maxURLLength
        options.maxLinkBytes = settings.maxLinkBytesPerPage
        options.collectsAnchorText = collectsAnchorText
        let extractor = StreamingLinkExtractor(
            documentURL: documentURL, contentType: response.headers["Content-Type"], options: options, sharedHrefs: sharedHrefs)
        extractor.feed(response.body)
        let extracted = extractor.finish()
        tooLong = extracted.tooLongURLCount
        overPageCap = extracted.excessLinkCount
        droppedBaseHref = extracted.droppedBaseHref
        // Filtered only when there is something to drop (a filtered copy retains every link again).
        let dropsAll = extracted.isNofollowPage && !settings.followsNofollow
        if dropsAll {
            links = []
        } else if settings.followsNofollow || !extracted.links.contains(where: \.isNofollow) {
            links = extracted.links
        } else {
            links = extracted.links.filter { !$0.isNofollow }
        }
    }
}
