internal import CCurl

/// A client's cookie jar: libcurl's cookie engine (RFC 6265 domain, path,
/// expiry and `Secure` rules), its cookies held in the client's ``CurlShare``,
/// which every transfer of the client uses, so a cookie set by one response
/// (redirect hops included) goes with the later requests to its site.
///
/// Bounded: after each response that sets cookies the jar is counted, and
/// cookies beyond ``maxPerHost`` for one host or ``maxTotal`` in all are
/// removed (libcurl itself takes at most 50 `Set-Cookie` lines per response,
/// so between two checks the jar grows by at most that). What is removed is
/// counted by the caller.
///
/// Used on the event-loop thread only, like the share.
final class CookieJar {
    /// The most cookies kept for one host (the cookie's domain).
    let maxPerHost: Int
    /// The most cookies kept in all.
    let maxTotal: Int

    init(maxPerHost: Int, maxTotal: Int) {
        self.maxPerHost = max(0, maxPerHost)
        self.maxTotal = max(0, maxTotal)
    }

    /// Turns the cookie engine on for one hop of a transfer whose handle is
    /// in the share that holds the cookies.
    func attach(to easy: EasyHandle) {
        // An empty file name starts the engine without reading a file.
        easy.set(CURLOPT_COOKIEFILE, "", name: "COOKIEFILE")
    }

    /// Brings the jar back within its bounds, through `easy` (a handle that
    /// uses this jar and is not in a multi handle); returns how many cookies
    /// were removed. Linear in the jar's size, which the bounds keep small.
    func enforceBounds(using easy: EasyHandle) -> Int {
        let lines = easy.info(lines: CURLINFO_COOKIELIST)
        var perHost: [Substring: Int] = [:]
        var kept: [String] = []
        kept.reserveCapacity(min(lines.count, maxTotal))
        for line in lines {
            let host = Self.host(ofNetscapeLine: line)
            let count = perHost[host, default: 0]
            guard count < maxPerHost, kept.count < maxTotal else { continue }
            perHost[host] = count + 1
            kept.append(line)
        }
        let removed = lines.count - kept.count
        guard removed > 0 else { return 0 }
        // libcurl removes one cookie only by replacing it: empty the jar and
        // put back what is kept (Netscape lines, as listed).
        easy.set(CURLOPT_COOKIELIST, "ALL", name: "COOKIELIST")
        for line in kept {
            easy.set(CURLOPT_COOKIELIST, line, name: "COOKIELIST")
        }
        return removed
    }

    /// The domain of a cookie in libcurl's Netscape format (`[#HttpOnly_][.]domain<TAB>...`).
    static func host(ofNetscapeLine line: String) -> Substring {
        var domain = line.prefix { $0 != "\t" }
        if domain.hasPrefix("#HttpOnly_") { domain = domain.dropFirst(10) }
        if domain.hasPrefix(".") { domain = domain.dropFirst() }
        return domain
    }
}
