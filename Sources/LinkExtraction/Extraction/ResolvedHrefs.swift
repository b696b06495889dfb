// The hrefs one page has resolved, in the shared cache's directory sets and its own.

/// The hrefs of one page resolved so far, each under its key (the href
/// without a fragment that cannot matter, see `ResolvedHrefCache.key(for:)`),
/// found by the key's hash and bytes (no `String` made for a lookup):
/// those that resolve alike across a directory in the shared cache's set for
/// that directory (taken out of the cache for the page: the base's directory
/// for most, an ancestor of it for an href starting with `../`), the others
/// (`?…`, `#…`, empty, or no shared cache) in the page's own.
struct ResolvedHrefs {
    /// Where an href's resolution is kept: a directory set (`directory`, an
    /// index into the page's sets) or the page's own set (`nil`), under the
    /// hash of its key (the href's first `keyLength` bytes).
    struct Place {
        fileprivate let directory: Int?
        fileprivate let hash: UInt64
        /// The key's length: the href without a fragment that cannot change what it resolves to.
        let keyLength: Int
    }

    private let shared: ResolvedHrefCache?
    private let base: WebURL
    /// The directory sets taken out of the shared cache, as they are first needed.
    private var directories: [(name: String, hrefs: ResolvedHrefCache.Hrefs)] = []
    /// The index into `directories` for hrefs starting with that many `../`
    /// (`-1`: not cached, `nil`: not looked up yet).
    private var directoryOfSteps: [Int?]
    private var pageHrefs: ResolvedHrefCache.Hrefs = [:]

    init(shared: ResolvedHrefCache?, base: WebURL) {
        self.shared = shared
        self.base = base
        directoryOfSteps = Array(repeating: nil, count: ResolvedHrefCache.maxParentSteps + 1)
    }

    /// Where `href` (UTF-8), whose first significant byte is `firstByte`, is looked up and kept.
    @inline(__always)
    mutating func place(of href: UnsafeBufferPointer<UInt8>, firstByte: UInt8?) -> Place {
        let keyLength = ResolvedHrefCache.keyLength(of: href)
        let hash = XXHash64.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: href[..<keyLength])))
        guard shared != nil, ResolvedHrefCache.isCacheable(firstSignificantByte: firstByte),
            let steps = ResolvedHrefCache.parentSteps(in: href)
        else { return Place(directory: nil, hash: hash, keyLength: keyLength) }
        return Place(directory: directory(forSteps: steps), hash: hash, keyLength: keyLength)
    }

    /// What `href`, at `place`, resolved to (`.some(nil)`: invalid), if it was resolved.
    /// Set, it is kept unless another key with the same hash is there.
    subscript(place: Place, href: UnsafeBufferPointer<UInt8>) -> WebURL?? {
        get {
            if let directory = place.directory, let entry = directories[directory].hrefs[place.hash],
                Self.entry(entry, matches: href, keyLength: place.keyLength)
            {
                return .some(entry.url)
            }
            // A full directory set sends the page's further hrefs to the page's own.
            guard let entry = pageHrefs[place.hash], Self.entry(entry, matches: href, keyLength: place.keyLength) else { return nil }
            return .some(entry.url)
        }
        set {
            guard let newValue else { return }
            let entry = ResolvedHrefCache.Entry(key: Array(href[..<place.keyLength]), url: newValue)
            // A directory set never grows past its bound: checking it in then needs no copy to trim it.
            if let directory = place.directory, directories[directory].hrefs.count < (shared?.maxEntriesPerDirectory ?? 0) {
                if directories[directory].hrefs[place.hash] == nil { directories[directory].hrefs[place.hash] = entry }
            } else if pageHrefs[place.hash] == nil {
                pageHrefs[place.hash] = entry
            }
        }
    }

    /// Whether `entry` is kept for `href`'s first `keyLength` bytes: a plain
    /// loop over both buffers (the generic `elementsEqual` cost more).
    private static func entry(_ entry: ResolvedHrefCache.Entry, matches href: UnsafeBufferPointer<UInt8>, keyLength: Int) -> Bool {
        guard entry.key.count == keyLength else { return false }
        return entry.key.withUnsafeBufferPointer { key in
            var index = 0
            while index < key.count, key[index] == href[index] { index += 1 }
            return index == key.count
        }
    }

    /// Puts the directories' hrefs back into the shared cache.
    func giveBack() {
        guard let shared else { return }
        for directory in directories { shared.checkIn(directory.hrefs, directory: directory.name) }
    }

    /// The set for hrefs starting with `steps` times `../`, taken out of the
    /// shared cache the first time (one set per directory name); `nil` when the base is not cached.
    private mutating func directory(forSteps steps: Int) -> Int? {
        if let known = directoryOfSteps[steps] { return known < 0 ? nil : known }
        var found = -1
        if let shared, let name = ResolvedHrefCache.directory(of: base, poppingSegments: steps) {
            if let index = directories.firstIndex(where: { $0.name == name }) {
                found = index
            } else {
                directories.append((name, shared.checkOut(name)))
                found = directories.count - 1
            }
        }
        directoryOfSteps[steps] = found
        return found < 0 ? nil : found
    }
}
