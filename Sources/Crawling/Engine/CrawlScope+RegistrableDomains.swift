import CrawlFrontier
import LinkExtraction

extension CrawlScope.Hosts {
    /// The scope of the seeds' registrable domains and their subdomains, by the
    /// Public Suffix List: seeds on `www.bbc.co.uk` and `docs.example.com:8080`
    /// give `.domains(["bbc.co.uk", "example.com"])` (not `co.uk`); IP addresses
    /// and `localhost` stay whole. What `asyncurl-crawl --scope domain` uses.
    public static func registrableDomains(ofSeeds urls: [String]) -> CrawlScope.Hosts {
        .domains(Array(Set(urls.compactMap { WebURL($0)?.host }.map(PublicSuffixList.registrableDomain(of:)))).sorted())
    }
}
