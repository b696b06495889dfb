// libFuzzer harness: robots.txt bytes → RobotsTxt parsing and isAllowed decisions.
import CrawlFrontier
import FuzzSupport

/// User agents asked about; the input's own `User-agent` values are asked about too.
private let fixedAgents = ["AsyncURL/1.0 (+http://127.0.0.1/bot)", "*", "googlebot", ""]

/// Paths asked about besides those taken from the input.
private let fixedPaths = ["/", "/robots.txt", "/index.html", "/private/", "/a?b=c", "", "/%7E", "/caf%C3%A9"]

/// One libFuzzer input; returns 0 (an invariant violation traps).
func fuzzRobots(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    let robots = RobotsTxt(parsing: input.bytes)
    let twice = RobotsTxt(parsing: input.bytes)
    require(robots == twice, "parsing the same bytes twice gave different results")

    // Paths and agents from the input: every value after a colon, and every line.
    var inputAgents: [String] = []
    var paths = fixedPaths
    let lines = input.bytes.split(whereSeparator: { $0 == 0x0A || $0 == 0x0D }).prefix(16)
    for line in lines {
        let text = String(decoding: line, as: UTF8.self)
        paths.append(text)
        if let colon = text.firstIndex(of: ":") {
            let value = String(text[text.index(after: colon)...]).trimmingCharacters(in: " \t")
            paths.append(value)
            paths.append("/" + value)
            inputAgents.append(value)
        }
    }
    for group in robots.groups.prefix(4) {
        inputAgents += group.agents
        for rule in group.rules.prefix(8) {
            // The pattern with its wildcards replaced by literal text.
            paths.append(rule.pattern.description.replacingOccurrences(of: "*", with: "x"))
        }
    }

    // The crawler's own agent first, then agents the file names, then the fixed rest.
    let agents = [fixedAgents[0]] + inputAgents.suffix(5) + fixedAgents.dropFirst()
    for agent in agents {
        require(robots.isAllowed("/robots.txt", userAgent: agent), "/robots.txt disallowed for \(agent)")
        require(
            robots.isAllowed(url: "http://example.com/robots.txt", userAgent: agent),
            "http://example.com/robots.txt disallowed for \(agent)")
        _ = robots.crawlDelay(for: agent)
        _ = robots.rules(for: agent)
        for path in paths.prefix(40) {
            let allowed = robots.isAllowed(path, userAgent: agent)
            require(allowed == twice.isAllowed(path, userAgent: agent), "not deterministic for \(path)")
            // As an absolute URL, a path (without fragment) gives the same answer.
            if path.hasPrefix("/"), !path.contains("#") {
                let viaURL = robots.isAllowed(url: "http://example.com" + path, userAgent: agent)
                require(viaURL == allowed, "\(path): path says \(allowed), URL says \(viaURL) for \(agent)")
            }
        }
    }

    // Pattern matching agrees with a plain reference matcher (set of live positions).
    for group in robots.groups.prefix(4) {
        for rule in group.rules.prefix(8) {
            for path in paths.prefix(16) {
                let normalized = RobotsPath.normalize(Array(path.utf8))
                let expected = referenceMatch(rule.pattern, normalized)
                require(
                    rule.pattern.matches(normalized) == expected,
                    "pattern \(rule.pattern) on \(String(decoding: normalized, as: UTF8.self)): expected \(expected)")
            }
        }
    }

    // The fixed policies for non-2xx answers.
    for status in [200, 301, 404, 429, 500] {
        let policy = RobotsTxt.from(status: status, body: input.bytes)
        require(policy.isAllowed("/robots.txt", userAgent: "AsyncURL"), "/robots.txt disallowed after \(status)")
        for path in paths.prefix(12) where status != 200 {
            // 4xx allows everything; 429, 5xx and 3xx (unfollowed) allow only /robots.txt.
            let expected = status == 404 || path == "/robots.txt"
            require(
                policy.isAllowed(path, userAgent: "AsyncURL") == expected,
                "status \(status), \(path): expected \(expected)")
        }
    }
    return 0
}

/// Whether `pattern` matches `path` from its start: the positions the pattern read so far
/// can end at, advanced octet by octet (`*` makes every later position live).
private func referenceMatch(_ pattern: RobotsPattern, _ path: [UInt8]) -> Bool {
    var live = Set([0])
    for octet in pattern.octets {
        if octet == UInt8(ascii: "*") {
            guard let lowest = live.min() else { return false }
            live = Set(lowest...path.count)
        } else {
            live = Set(live.compactMap { $0 < path.count && path[$0] == octet ? $0 + 1 : nil })
        }
        if live.isEmpty { return false }
    }
    return pattern.isAnchored ? live.contains(path.count) : true
}

extension String {
    /// Without leading and trailing characters in `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }

    /// Every occurrence of `target` replaced by `replacement`.
    fileprivate func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var output = ""
        for character in self { output += character == target ? replacement : String(character) }
        return output
    }
}
