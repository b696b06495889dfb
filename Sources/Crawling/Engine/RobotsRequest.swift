import AsyncURL
import CrawlFrontier

extension Request {
    /// The request for a host's robots.txt, as a crawl sends it: up to 5
    /// redirects; the file is read up to 500 KiB and parsed up to there,
    /// however long it is (RFC 9309 §2.5).
    /// - Parameter url: the robots.txt URL (`scheme://host:port/robots.txt`).
    static func robotsTxt(_ url: String) -> Request {
        var request = Request(url: url, redirectPolicy: .follow(maxHops: 5), maxBodySize: RobotsTxt.maxParsedBytes)
        request.truncatesBody = true
        return request
    }
}
