extension CrawlExplanation {
    /// The explanation in a few lines of text, for people.
    public var text: String {
        var lines: [String] = []
        let subject = duplicateOf.map { "\(url)\n  is a duplicate of \($0) (the same canonical URL), which" } ?? url
        switch verdict {
        case "neverSeen":
            lines.append("\(url)\n  was never seen by this crawl (no page linked to it, and it is not a seed)")
        case "fetched":
            lines.append("\(subject)\n  was fetched: status \(status.map(String.init) ?? detail ?? "?") at \(time ?? "?")")
        case "failed":
            lines.append("\(subject)\n  was fetched and failed: \(detail ?? "no response") at \(time ?? "?")")
        case "queued":
            lines.append("\(subject)\n  was queued and not fetched yet (the crawl stopped before it)")
        default:
            lines.append("\(subject)\n  was not fetched: refused by \(Self.reasonName(reason)): \(detail ?? "no detail recorded")")
        }
        if let depth { lines.append("  depth: \(depth)") }
        if referrers.isEmpty, verdict != "neverSeen" {
            lines.append("  a seed")
        }
        for (index, step) in referrers.enumerated() {
            let label = index == 0 ? "found on" : "    from"
            lines.append("  \(label) \(step.url) (depth \(step.depth), \(step.verdict))")
        }
        return lines.joined(separator: "\n")
    }

    private static func reasonName(_ reason: String?) -> String {
        switch reason {
        case "robots": "robots.txt"
        case "scope": "the scope"
        case "pageLimit": "the page limit"
        case "queueLimit": "the queue bound"
        case "hostGivenUp": "its host being given up"
        default: reason ?? "?"
        }
    }
}
