import LinkExtraction
import Testing

/// Registrable domains from libpsl's Public Suffix List.
@Suite("Public Suffix List")
struct PublicSuffixListTests {
    @Test(
        "The registrable domain of a host",
        arguments: [
            ("www.bbc.co.uk", "bbc.co.uk"), ("bbc.co.uk", "bbc.co.uk"), ("docs.example.com", "example.com"), ("example.com", "example.com"),
            ("a.b.github.io", "b.github.io"), ("www.city.kawasaki.jp", "city.kawasaki.jp"), ("WWW.Example.COM", "example.com"),
            ("co.uk", "co.uk"), ("localhost", "localhost"), ("127.0.0.1", "127.0.0.1"), ("[::1]", "[::1]"),
            ("xn--fiqs8s.xn--fiqs8s", "xn--fiqs8s.xn--fiqs8s")
        ])
    func registrableDomain(host: String, domain: String) {
        #expect(PublicSuffixList.registrableDomain(of: host) == domain)
    }
}
