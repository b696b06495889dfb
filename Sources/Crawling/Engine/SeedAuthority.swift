import LinkExtraction

/// What a crawl keeps of one seed's scheme and authority: its host key, its
/// host, and its credentials.
package struct SeedAuthority: Sendable, Hashable {
    /// `scheme://host:port`, as the frontier keys hosts.
    package let hostKey: String
    /// The host as the URL parser wrote it (a domain, an IPv4 address, or an IPv6 one in brackets).
    package let host: String
    /// `user:password@` (`user@` without a password), or `nil` when the seed has neither.
    package let userinfo: String?

    /// The authority of `url`; `nil` for a URL without a host.
    package init?(_ url: WebURL) {
        guard let host = url.host, let hostKey = url.hostKey else { return nil }
        self.hostKey = hostKey
        self.host = host
        let hasCredentials = !url.username.isEmpty || !url.password.isEmpty
        userinfo = hasCredentials ? url.username + (url.password.isEmpty ? "" : ":" + url.password) + "@" : nil
    }
}
