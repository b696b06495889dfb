import AsyncURL
import Rendering

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CrawlWork {
    /// Whether the page of `request` (fetched from `url`) is rendered: the
    /// request's own choice, else the crawl's ``CrawlRendering`` settings.
    func rendersPage(of request: CrawlRequest, url: String) -> Bool {
        guard let rendering = renderer else { return false }
        if let explicit = request.render { return explicit }
        return rendering.rendersAll || rendering.patterns.contains { $0.matches(url) }
    }

    /// The response with its body replaced by the document the browser built
    /// (UTF-8, so `Content-Type` says `charset=utf-8`; status and other headers
    /// as fetched), and the rendered page. When rendering fails, the response as
    /// fetched (the failure is counted by kind and logged).
    func rendered(_ response: Response, request: CrawlRequest) async -> (Response, RenderedPage?) {
        guard let rendering = renderer, (200..<300).contains(response.status), rendersPage(of: request, url: response.finalURL) else {
            return (response, nil)
        }
        let isHTML = HTMLSniffer.isHTML(contentType: response.headers["Content-Type"], body: response.body)
        guard isHTML else { return (response, nil) }
        do {
            let page = try await rendering.renderer.render(url: response.finalURL, document: response)
            var document = response
            document.body = Data(page.html.utf8)
            document.headers.replaceOrAdd(name: "Content-Type", value: "text/html; charset=utf-8")
            crawler.record { stats in
                stats.renderedPages += 1
                if !page.waitCompleted { stats.renderWaitsCutShort += 1 }
            }
            return (document, page)
        } catch {
            crawler.record { $0.renderFailures[error.kind.name, default: 0] += 1 }
            crawler.logger.warning(
                "rendering failed; the page is used as fetched",
                metadata: [
                    "url": "\(response.finalURL.removingURLCredentials())", "error": "\(error)"
                ])
            return (response, nil)
        }
    }
}
