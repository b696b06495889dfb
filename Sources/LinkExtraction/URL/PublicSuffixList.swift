// Registrable domains from the Public Suffix List, through libpsl.
internal import CPSL

/// The Public Suffix List (publicsuffix.org) as libpsl ships it: which part of a
/// host name is registrable. `www.bbc.co.uk` belongs to `bbc.co.uk` (`co.uk` is a
/// public suffix), `docs.example.com` to `example.com`, `a.b.github.io` to
/// `b.github.io`.
///
/// libpsl's built-in list is used (`psl_builtin`, compiled into the library and
/// owned by it: nothing to free). IP addresses and hosts that are themselves a
/// public suffix, or have none (`localhost`), are their own domain.
package enum PublicSuffixList {
    /// The registrable domain of `host` (lower-case, punycode as ``WebURL/host``
    /// gives it); the host itself when it has none or is an IP address.
    public static func registrableDomain(of host: String) -> String {
        let lower = host.lowercased()
        if lower.hasPrefix("[") || lower.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { return lower }
        guard let list = psl_builtin() else { return lower }
        return lower.withCString { name in
            guard let domain = psl_registrable_domain(list, name) else { return lower }
            return String(cString: domain)
        }
    }
}
