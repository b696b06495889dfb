import CrawlFrontier

extension PageRecord {
    /// The URLs of the entries a page offered to the frontier, once each, in
    /// the order the page gave them (for ``outlinks``).
    static func outlinks(of found: [FrontierEntry]) -> [String] {
        var seen = Set<String>()
        return found.compactMap { seen.insert($0.url).inserted ? $0.url : nil }
    }
}
