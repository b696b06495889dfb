import ArgumentParser
import AsyncURLSupport
import Crawling
import LinkExtraction

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Checks seed URLs before anything starts: each must be an absolute
/// `http` or `https` URL, or the command stops with a usage error (exit 64)
/// naming the seed and why.
enum SeedCheck {
    /// Why `seed` cannot start a crawl, or `nil` when it can.
    static func problem(with seed: String) -> String? {
        guard let url = WebURL(seed) else {
            if !seed.contains("://"), let guess = WebURL("http://" + seed), guess.host?.contains(".") == true {
                return "is not a URL: it has no scheme (did you mean \(guess.href)?)"
            }
            return "is not a URL (a seed is an absolute http:// or https:// URL)"
        }
        guard url.scheme == "http" || url.scheme == "https" else {
            return "has the scheme \(url.scheme): only http and https URLs can be crawled"
        }
        return nil
    }

    /// `seed` as it is quoted in a message: on one line, without credentials, at most 200 characters.
    static func quoted(_ seed: String) -> String {
        let safe = seed.removingControlCharacters().removingURLCredentials()
        return "'" + (safe.count > 200 ? safe.prefix(200) + "…" : safe) + "'"
    }

    /// Throws a usage error for the first seed argument that cannot start a crawl.
    static func validate(arguments seeds: [String]) throws {
        for seed in seeds {
            if let problem = problem(with: seed) { throw ValidationError("the seed \(quoted(seed)) \(problem)") }
        }
    }

    /// The seeds of a `--seeds-file` (one per line; blank lines and `#` comments
    /// skipped); a usage error when it cannot be read or a line is no seed.
    static func seeds(inFile path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read --seeds-file \(quoted(path))")
        }
        var seeds: [String] = []
        var bad: [(line: Int, seed: String, problem: String)] = []
        // Whether an http(s) URL parses depends on its scheme and authority
        // only (a path, query or fragment never makes it fail): a seed whose
        // authority text a valid seed had is valid without parsing it again.
        var validAuthorities = Set<Substring>()
        // Split on the bytes: a split of the String would compare grapheme clusters.
        let lines = String(decoding: data, as: UTF8.self).utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let seed = Substring(line).trimmed(" \t\r")
            if seed.isEmpty || seed.hasPrefix("#") { continue }
            let authority = SeedAuthorities.authorityText(of: seed)
            if let authority, validAuthorities.contains(authority) {
                seeds.append(seed)
            } else if let problem = problem(with: seed) {
                bad.append((index + 1, seed, problem))
            } else {
                seeds.append(seed)
                if let authority { validAuthorities.insert(authority) }
            }
        }
        if let first = bad.first {
            let others = bad.count > 1 ? " (and \(bad.count - 1) more line\(bad.count > 2 ? "s" : ""))" : ""
            throw ValidationError(
                "--seeds-file \(quoted(path)), line \(first.line): the seed \(quoted(first.seed)) \(first.problem)\(others)")
        }
        return seeds
    }
}
