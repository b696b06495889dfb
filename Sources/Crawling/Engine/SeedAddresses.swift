import AsyncURL
import LinkExtraction

/// Decides a crawl's ``AsyncURL/AddressPolicy`` from its seeds. A crawl is local
/// only where its seeds say so literally: a seed whose host is a loopback or
/// private IP literal, or `localhost`, lets the crawl reach exactly that
/// address (for `localhost`, `127.0.0.1` and `::1`), and public addresses; every
/// other non-public address stays refused (a seed on `127.0.0.1` does not open
/// `127.0.0.2`, nor `10.0.0.1`). Host names are not resolved for this: a public
/// name that resolves to a private address does not make a crawl local (the
/// address check on every connection refuses it). Set
/// ``CrawlSettings/addressPolicy`` (the CLI's `--allow-private-addresses`) to
/// allow more.
enum SeedAddresses {
    /// The policy for a crawl from `urls`: public addresses, plus the seeds' own literal non-public ones.
    static func policy(forSeeds urls: [String]) -> AddressPolicy {
        policy(for: SeedAuthorities(seeds: urls))
    }

    /// The policy for a crawl from the seeds of `authorities`.
    static func policy(for authorities: SeedAuthorities) -> AddressPolicy {
        .publicOnly(allowing: allowedPrivateAddresses(for: authorities))
    }

    /// The non-public addresses the seeds name literally.
    static func allowedPrivateAddresses(forSeeds urls: [String]) -> Set<IPAddress> {
        allowedPrivateAddresses(for: SeedAuthorities(seeds: urls))
    }

    /// The non-public addresses the seeds of `authorities` name literally.
    static func allowedPrivateAddresses(for authorities: SeedAuthorities) -> Set<IPAddress> {
        var allowed = Set<IPAddress>()
        for authority in authorities.authorities {
            guard let addresses = AddressPolicy.literalAddresses(ofHost: authority.host) else { continue }
            allowed.formUnion(addresses.filter { !$0.isPublic })
        }
        return allowed
    }
}
