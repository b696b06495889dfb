import LinkExtraction

/// One ``SeedAuthority`` per distinct authority among a crawl's seeds, for
/// what depends only on a seed's scheme and authority (its host, port and
/// credentials): the seed hosts, the address policy, the credentials put back
/// on resume. A list of 10,000 URLs on one host is parsed once here, not
/// 10,000 times; a list of 100,000 hosts keeps their keys, not 100,000 parsed
/// URLs (about a third of the memory).
///
/// Seeds are grouped by their text up to the end of the authority: from the
/// start to the first `/`, `?`, `#` or `\` after `://`. The URL parser reads
/// the scheme and the authority from exactly those characters, so seeds with
/// the same such text have the same host, port and userinfo. A seed without
/// `://` is parsed on its own.
package struct SeedAuthorities: Sendable {
    /// One authority per group, in the order the groups first appear; seeds that do not parse are left out.
    package let authorities: [SeedAuthority]

    /// Groups and parses `seeds`.
    package init(seeds: [String]) {
        var builder = Builder()
        for seed in seeds { builder.add(seed) }
        self.init(builder)
    }

    /// The authorities a ``Builder`` collected (its group texts are not kept).
    package init(_ builder: Builder) {
        authorities = builder.authorities
    }

    /// Collects the authorities of seeds given one at a time (a seed list
    /// read a batch at a time): what it keeps grows with the groups, not the seeds.
    package struct Builder {
        fileprivate var authorities: [SeedAuthority] = []
        private var parsedGroups = Set<Substring>()

        /// No seed yet.
        package init() {}

        /// Adds a seed: parsed when its group has no parsed seed yet.
        package mutating func add(_ seed: String) {
            let group = SeedAuthorities.authorityText(of: seed)
            if let group, parsedGroups.contains(group) { return }
            // A seed that does not parse does not stand for its group: a later one may.
            guard let url = WebURL(seed), let authority = SeedAuthority(url) else { return }
            // The group's own copy: a substring would keep the whole seed alive.
            if let group { parsedGroups.insert(Substring(String(group))) }
            authorities.append(authority)
        }
    }

    /// `seed` up to the end of its authority, or `nil` when it has no `://`.
    package static func authorityText(of seed: String) -> Substring? {
        let bytes = seed.utf8
        var index = bytes.startIndex
        var matched = 0
        // The authority starts after the first "://".
        while index < bytes.endIndex, matched < 3 {
            let byte = bytes[index]
            matched = byte == UInt8(ascii: ":") ? 1 : (matched > 0 && byte == UInt8(ascii: "/") ? matched + 1 : 0)
            index = bytes.index(after: index)
        }
        guard matched == 3 else { return nil }
        while index < bytes.endIndex {
            switch bytes[index] {
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "\\"): return seed[..<index]
            default: index = bytes.index(after: index)
            }
        }
        return seed[...]
    }
}
