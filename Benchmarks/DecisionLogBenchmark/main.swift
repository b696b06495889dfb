// The per-URL cost of what `--explain` records, at the frontier of a
// resumable crawl: offers N links to a Frontier with a CrawlStateStore,
// once without and once with the decision records the crawler adds (one
// `recordOffered` per non-duplicate answer, then a commit), for new URLs,
// duplicates (the seen-set's path: nothing is recorded for them) and refused
// (off-scope) URLs offered again and again.
//
//     swift run -c release decision-log-benchmark [--urls 200000]
import CrawlFrontier

#if canImport(Glibc)
    import Glibc
#endif

/// Command-line value of `--urls`, or the default.
func urlCount() -> Int {
    let arguments = CommandLine.arguments
    if let index = arguments.firstIndex(of: "--urls"), index + 1 < arguments.count, let count = Int(arguments[index + 1]), count > 0 {
        return count
    }
    return 200_000
}

/// `count` entries of host `host`, fingerprinted by index (offset keeps sets apart).
func entries(_ count: Int, host: String, offset: UInt64) -> [FrontierEntry] {
    (0..<count).map { index in
        let url = "http://\(host)/section-\(index % 97)/page-\(index).html"
        return FrontierEntry(
            url: url, fingerprint: offset &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15, hostKey: "http://\(host):80", depth: 1)
    }
}

/// Offers `batch`es of 100 links; records the answers when `store` is given; nanoseconds per URL.
func offer(_ all: [FrontierEntry], to frontier: Frontier, recordingIn store: CrawlStateStore?) async throws -> Double {
    let clock = ContinuousClock()
    let elapsed = try await clock.measure {
        var start = 0
        while start < all.count {
            let batch = Array(all[start..<min(start + 100, all.count)])
            let outcomes = await frontier.add(contentsOf: batch)
            if let store {
                for (entry, outcome) in zip(batch, outcomes) where outcome != .duplicate {
                    store.recordOffered(
                        entry, parent: 1, code: outcome == .queued ? .queued : .scope, detail: outcome == .queued ? nil : "off scope")
                }
            }
            start += 100
        }
        try store?.commit()
    }
    let (seconds, attoseconds) = elapsed.components
    return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(all.count)
}

/// One run: a fresh frontier and store in a temporary directory.
func run(recording: Bool, count: Int) async throws -> (new: Double, duplicate: Double, refused: Double) {
    // The store creates the directory (0700).
    let directory = "/tmp/decision-log-benchmark-\(getpid())-\(recording)"
    defer { _ = system("rm -rf '\(directory)'") }
    let store = try CrawlStateStore(directory: directory)
    let configuration = FrontierConfiguration(scope: try CrawlScope(hosts: .seedHosts), userAgent: "Bench", obeysRobots: false)
    let frontier = Frontier(configuration: configuration, store: store) { _ in .unreachable }
    _ = await frontier.addSeeds(entries(1, host: "seed.test", offset: 7))
    let fresh = entries(count, host: "seed.test", offset: 1_000_000)
    let refused = entries(count / 100, host: "elsewhere.test", offset: 99_000_000)
    let new = try await offer(fresh, to: frontier, recordingIn: recording ? store : nil)
    let duplicate = try await offer(fresh, to: frontier, recordingIn: recording ? store : nil)
    // Each off-scope link on 100 pages: offered 100 times.
    let again = (0..<100).flatMap { _ in refused }
    let refusedCost = try await offer(again, to: frontier, recordingIn: recording ? store : nil)
    try store.close()
    return (new, duplicate, refusedCost)
}

let count = urlCount()
let without = try await run(recording: false, count: count)
let with = try await run(recording: true, count: count)
func format(_ value: Double) -> String { String(Int(value.rounded())) }
print("URLs: \(count) new, \(count) duplicates, \(count / 100) off-scope links offered 100 times each; ns per URL offered")
print("                     new   duplicate   refused")
print("without records  \(format(without.new).padding(6))  \(format(without.duplicate).padding(10))  \(format(without.refused).padding(8))")
print("with records     \(format(with.new).padding(6))  \(format(with.duplicate).padding(10))  \(format(with.refused).padding(8))")

extension String {
    /// Right-aligned in `width` columns.
    func padding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
