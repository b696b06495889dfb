import AsyncURLSupport

/// Hrefs already resolved on earlier pages, kept per base directory, so the
/// links every page of a site repeats (its navigation) are resolved once per
/// directory rather than once per page.
///
/// A relative reference that does not start with `?` or `#` resolves the same
/// against every base with the same scheme, credentials, host, port and path up
/// to its last `/` (the base's last segment, query and fragment do not take
/// part), so such hrefs are cached under that prefix of an `http` or `https`
/// base; one starting with `../` (up to 8 times) under that
/// prefix less as many segments, so the navigation links of sibling
/// directories (`../chapter-2/x.html`) are resolved once for all of them. An
/// href is kept without its fragment (`x.html#a` and `x.html#b` share an
/// entry: links drop fragments). Other hrefs (empty, `?…`, `#…`) and other
/// bases are never cached.
///
/// Bounded: at most ``maxEntries`` hrefs in all (the directories used least
/// recently are dropped first) and ``maxEntriesPerDirectory`` per directory.
/// Shared by the pages of a crawl: a page takes the hrefs of the directories
/// it needs out when it first needs them and puts them back with its own at
/// its end, so pages on other threads never wait for one another's lookups.
public final class ResolvedHrefCache: Sendable {
    /// An href (its key: see ``key(for:)``) and what it resolved to (`nil`: invalid).
    struct Entry {
        let key: [UInt8]
        let url: WebURL?
    }

    /// Hrefs by the 64-bit hash of their key, for one directory. A lookup
    /// compares the key's bytes too; of two keys with one hash only the first is kept.
    typealias Hrefs = [UInt64: Entry]

    private struct Directory {
        var hrefs: Hrefs
        var lastUse: UInt64
    }

    private struct State {
        var directories: [String: Directory] = [:]
        var entries = 0
        var clock: UInt64 = 0
    }

    private let state = LockedState(State())
    /// The most hrefs kept in all (4,096 by default: about 3 MiB).
    public let maxEntries: Int
    /// The most hrefs kept for one directory (2,048 by default).
    public let maxEntriesPerDirectory: Int

    /// Creates an empty cache.
    /// - Parameters:
    ///   - maxEntries: the most hrefs kept in all.
    ///   - maxEntriesPerDirectory: the most hrefs kept for one directory.
    public init(maxEntries: Int = 4096, maxEntriesPerDirectory: Int = 2048) {
        self.maxEntries = max(0, maxEntries)
        self.maxEntriesPerDirectory = max(0, min(maxEntries, maxEntriesPerDirectory))
    }

    /// The hrefs kept in all.
    public var count: Int { state.withLock { $0.entries } }

    /// The key hrefs resolved against `base` are kept under: the base up to
    /// the last `/` of its path; `nil` for a base whose hrefs are not cached.
    static func directory(of base: WebURL) -> String? {
        guard base.hasHTTPScheme, !base.hasOpaquePath else { return nil }
        let href = base.href.utf8
        let tail = (base.query.map { $0.utf8.count + 1 } ?? 0) + (base.fragment.map { $0.utf8.count + 1 } ?? 0)
        let pathEnd = href.index(href.endIndex, offsetBy: -tail)
        guard let slash = href[..<pathEnd].lastIndex(of: UInt8(ascii: "/")) else { return nil }
        return String(base.href[...slash])
    }

    /// The most `../` an href may start with to be kept under an ancestor of
    /// its base's directory (an href with more stays with its page).
    static let maxParentSteps = 8

    /// How many times `href` starts with `../` (`nil`: more than ``maxParentSteps``).
    /// Such an href resolves alike against every base whose directory, less
    /// that many trailing segments (none past the root), is the same: each
    /// leading `../` drops one, and the rest depends on what is left.
    static func parentSteps(in href: String) -> Int? {
        var href = href
        return href.withUTF8 { parentSteps(in: $0) }
    }

    /// ``parentSteps(in:)`` of an href's UTF-8 bytes.
    static func parentSteps(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var steps = 0
        var index = 0
        while index + 2 < bytes.count, bytes[index] == 0x2E, bytes[index + 1] == 0x2E, bytes[index + 2] == 0x2F {
            steps += 1
            index += 3
            if steps > maxParentSteps { return nil }
        }
        return steps
    }

    /// ``directory(of:)`` less `steps` trailing path segments (the root
    /// stays): the key of hrefs starting with `steps` times `../`.
    static func directory(of base: WebURL, poppingSegments steps: Int) -> String? {
        guard let directory = directory(of: base) else { return nil }
        guard steps > 0 else { return directory }
        let utf8 = directory.utf8
        // The path starts at the first `/` after `scheme://` (the authority has none).
        let authority = utf8.index(utf8.startIndex, offsetBy: base.scheme.utf8.count + 3)
        guard let pathStart = utf8[authority...].firstIndex(of: UInt8(ascii: "/")) else { return nil }
        var end = utf8.index(before: utf8.endIndex)
        for _ in 0..<steps {
            guard end > pathStart, let slash = utf8[pathStart..<end].lastIndex(of: UInt8(ascii: "/")) else { break }
            end = slash
        }
        return String(directory[...end])
    }

    /// The key `href` is kept under: without its fragment (links drop it, and
    /// `a.html#x` then shares `a.html`'s entry), unless a space or control is
    /// right before the `#` (it would then end the href, and be trimmed).
    static func key(for href: String) -> String {
        var copy = href
        return copy.withUTF8 { bytes in
            // Cut before an ASCII byte of valid UTF-8: decoding changes nothing.
            String(decoding: UnsafeBufferPointer(rebasing: bytes[..<keyLength(of: bytes)]), as: UTF8.self)
        }
    }

    /// How many leading bytes of `href` its ``key(for:)`` is.
    static func keyLength(of href: UnsafeBufferPointer<UInt8>) -> Int {
        guard let hash = href.firstIndex(of: UInt8(ascii: "#")), hash > 0, href[hash - 1] > 0x20 else { return href.count }
        return hash
    }

    /// Whether `href` resolves the same against every base of one directory:
    /// it is not empty and does not start (after leading spaces and C0
    /// controls, which the parser strips) with `?` or `#`.
    static func isCacheable(_ href: String) -> Bool {
        isCacheable(firstSignificantByte: firstSignificantByte(of: href))
    }

    /// ``isCacheable(_:)`` of an href whose ``firstSignificantByte(of:)`` is `first`.
    @inline(__always)
    static func isCacheable(firstSignificantByte first: UInt8?) -> Bool {
        guard let first else { return false }
        return first != UInt8(ascii: "?") && first != UInt8(ascii: "#")
    }

    /// The first byte of `href` after the leading spaces and C0 controls the
    /// URL parser strips; `nil` when there is none.
    static func firstSignificantByte(of href: String) -> UInt8? {
        href.utf8.first { $0 > 0x20 }
    }

    /// Takes the hrefs kept for `directory` out of the cache (to be given back with ``checkIn(_:directory:)``).
    func checkOut(_ directory: String) -> Hrefs {
        state.withLock { state in
            guard let taken = state.directories.removeValue(forKey: directory) else { return [:] }
            state.entries -= taken.hrefs.count
            return taken.hrefs
        }
    }

    /// Puts `directory`'s hrefs back (those taken out and those added since),
    /// dropping the directories used least recently while over the bounds.
    func checkIn(_ hrefs: Hrefs, directory: String) {
        guard maxEntriesPerDirectory > 0, !hrefs.isEmpty else { return }
        var hrefs = hrefs
        if hrefs.count > maxEntriesPerDirectory {
            hrefs = Hrefs(uniqueKeysWithValues: hrefs.prefix(maxEntriesPerDirectory).map { ($0.key, $0.value) })
        }
        // What is dropped is freed after the lock is released (its URLs were
        // made on many threads: freeing them takes other threads' malloc locks).
        let dropped: [Hrefs] = state.withLock { state in
            state.clock += 1
            var dropped: [Hrefs] = []
            // Another page of the directory may have put its hrefs back meanwhile: the larger set is kept.
            if let present = state.directories[directory] {
                guard present.hrefs.count < hrefs.count else { return [hrefs] }
                state.entries -= present.hrefs.count
                dropped.append(present.hrefs)
            }
            state.directories[directory] = Directory(hrefs: hrefs, lastUse: state.clock)
            state.entries += hrefs.count
            while state.entries > maxEntries, let oldest = state.directories.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.directories[oldest.key] = nil
                state.entries -= oldest.value.hrefs.count
                dropped.append(oldest.value.hrefs)
            }
            return dropped
        }
        _ = dropped
    }
}
