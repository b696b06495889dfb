// libFuzzer harness: base + reference bytes → WebURL parsing/resolution and CanonicalURL.
import FuzzSupport
import LinkExtraction

/// Checks that `url` serialises to a string that parses back to the same URL, and that
/// its canonical form is idempotent with a stable fingerprint.
private func checkURL(_ url: WebURL, origin: String) {
    guard let reparsed = WebURL(url.href) else {
        require(false, "\(origin): \(url.href) does not re-parse")
        return
    }
    require(reparsed.href == url.href, "\(origin): \(url.href) re-parses as \(reparsed.href)")
    require(reparsed == url, "\(origin): \(url.href) re-parses with different components")
    require(url.description == url.href, "\(origin): description differs from href")

    let stripped = url.removingFragment
    require(stripped.fragment == nil, "\(origin): removingFragment kept a fragment")
    if let strippedAgain = WebURL(stripped.href) {
        require(strippedAgain.href == stripped.href, "\(origin): \(stripped.href) re-parses as \(strippedAgain.href)")
    } else {
        require(false, "\(origin): \(stripped.href) (no fragment) does not re-parse")
    }

    for options in [CanonicalizationOptions.minimal, .crawler] {
        let canonical = CanonicalURL(url, options: options)
        require(canonical.fingerprint == XXHash64.hash(canonical.string), "\(origin): fingerprint is not XXH64 of string")
        require(canonical == CanonicalURL(reparsed, options: options), "\(origin): canonical form of re-parsed URL differs")
        require(canonical.hostKey == url.hostKey, "\(origin): canonical hostKey \(String(describing: canonical.hostKey))")
        guard let again = CanonicalURL(canonical.string, options: options) else {
            require(false, "\(origin): canonical \(canonical.string) of \(url.href) does not parse")
            return
        }
        require(
            again.string == canonical.string,
            "\(origin): canonical form not idempotent: \(url.href) → \(canonical.string) → \(again.string)")
        require(again.fingerprint == canonical.fingerprint, "\(origin): fingerprint changed on re-canonicalisation")
    }
}

/// One libFuzzer input; returns 0 (an invariant violation traps).
func fuzzURLs(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    // Base and reference are separated by a NUL byte (or the input is one absolute URL).
    let (first, second) = input.split(at: 0)
    let baseText = String(decoding: first, as: UTF8.self)
    let referenceText = String(decoding: second, as: UTF8.self)

    let base = WebURL(baseText)
    if let base {
        checkURL(base, origin: "base")
    }
    guard let resolved = WebURL(referenceText, relativeTo: base) else { return 0 }
    checkURL(resolved, origin: "resolved")
    // An absolute URL resolved against the base it came from is itself.
    if let base, let again = WebURL(resolved.href, relativeTo: base) {
        require(again.href == resolved.href, "\(resolved.href) against \(base.href) gives \(again.href)")
    }
    if let base {
        let resolver = URLResolver(base: base)
        require(resolver.resolve(referenceText) == resolved.removingFragment, "URLResolver disagrees with WebURL")
    }
    return 0
}
