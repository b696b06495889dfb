import ArgumentParser
import Crawling

/// The options of how one page is fetched, shared by `crawl` and `fetch`:
/// user agent, robots.txt, cookies, the address guard, TLS, time and size limits.
struct FetchOptions: ParsableArguments {
    @Option(name: .customLong("user-agent"), help: ArgumentHelp("The User-Agent sent, and matched against robots.txt.", valueName: "agent"))
    var userAgent = CrawlSettings().userAgent

    @Flag(name: .customLong("ignore-robots"), help: "Do not fetch or obey robots.txt.")
    var ignoreRobots = false

    @Flag(name: .customLong("no-cookies"), help: "Do not keep cookies. By default, cookies a site sets go with later requests to it.")
    var noCookies = false

    @Flag(
        name: .customLong("allow-private-addresses"),
        help: """
            Let the crawl reach loopback and private addresses. They are refused by default; a seed whose host is such \
            an address, or localhost, allows exactly that address.
            """)
    var allowPrivateAddresses = false

    @Flag(help: "Do not verify TLS certificates (for self-signed test sites only).")
    var insecure = false

    @Option(help: ArgumentHelp("Seconds one request may take in all.", valueName: "seconds"))
    var timeout = 30.0

    @Option(name: .customLong("max-body"), help: ArgumentHelp("The largest decoded body accepted, in bytes.", valueName: "bytes"))
    var maxBody = CrawlSettings().maxBodySize

    func validate() throws {
        guard timeout > 0, maxBody > 0 else { throw ValidationError("--timeout and --max-body must be positive") }
    }

    /// Sets these options in `settings`.
    func apply(to settings: inout CrawlSettings) {
        settings.userAgent = userAgent
        settings.obeysRobots = !ignoreRobots
        settings.keepsCookies = !noCookies
        settings.verifiesTLSCertificates = !insecure
        settings.timeout = .milliseconds(Int64(min(timeout, 1e9) * 1000))
        settings.maxBodySize = maxBody
        if allowPrivateAddresses { settings.addressPolicy = .any }
    }
}
