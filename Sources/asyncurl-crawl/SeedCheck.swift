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

    /// What the crawl needs of a `--seeds-file` before it reads it again, a
    /// batch at a time: the open file, how many seeds it has, and one seed
    /// per authority (for the scope). Every line is checked, one at a time: a
    /// file of any length is read in the memory of one block, one line and
    /// its distinct authorities.
    struct SeedsFile {
        /// The file, open.
        let file: SeedFile
        /// Its seeds.
        let count: Int
        /// One seed for each distinct scheme and authority, in the order they first appear.
        let authoritySeeds: [String]
    }

    /// Opens and checks a `--seeds-file` (one seed a line; blank lines and `#`
    /// comments skipped); a usage error when it cannot be read or a line is
    /// no seed (naming the first such line, and how many more there are).
    static func check(seedsFile path: String) throws -> SeedsFile {
        let file: SeedFile
        do {
            file = try SeedFile(path: path)
        } catch {
            throw ValidationError("cannot read --seeds-file \(quoted(path)): \(error)")
        }
        var lines = file.lines()
        var count = 0
        var authoritySeeds: [String] = []
        // Whether an http(s) URL parses depends on its scheme and authority
        // only (a path, query or fragment never makes it fail): a seed whose
        // authority text a valid seed had is valid without parsing it again.
        var validAuthorities = Set<String>()
        var firstBad: (line: Int, seed: String, problem: String)?
        var badCount = 0
        do {
            while let (line, seed) = try lines.next() {
                let authority = SeedAuthorities.authorityText(of: seed).map(String.init)
                if let authority, validAuthorities.contains(authority) {
                    count += 1
                } else if let problem = problem(with: seed) {
                    badCount += 1
                    if firstBad == nil { firstBad = (line, seed, problem) }
                } else {
                    count += 1
                    if let authority { validAuthorities.insert(authority) }
                    authoritySeeds.append(seed)
                }
            }
        } catch {
            throw ValidationError("cannot read --seeds-file \(quoted(path)): \(error)")
        }
        if let first = firstBad {
            let others = badCount > 1 ? " (and \(badCount - 1) more line\(badCount > 2 ? "s" : ""))" : ""
            throw ValidationError(
                "--seeds-file \(quoted(path)), line \(first.line): the seed \(quoted(first.seed)) \(first.problem)\(others)")
        }
        return SeedsFile(file: file, count: count, authoritySeeds: authoritySeeds)
    }
}
