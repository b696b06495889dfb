import AsyncURL
import Rendering

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CrawlWork {
    /// The response as the browser left it (see `PageRenderer.render(_:request:)`)
    /// and the rendered page; when the page is not rendered, or rendering
    /// fails, the response as fetched (a failure is counted by kind and logged).
    /// `claimedHost` is the host whose frontier slot the page holds.
    func rendered(_ response: Response, request: CrawlRequest, claimedHost: String) async -> (Response, RenderedPage?) {
        guard let renderer else { return (response, nil) }
        do {
            guard let (document, page) = try await renderer.render(response, request: request, claimedHost: claimedHost) else {
                return (response, nil)
            }
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
