// Link extraction throughput of AsyncURL's streaming extractor over a directory of HTML files.
// Prints pages, bytes, links, time, MB/s and pages/s, and can write the links found for
// comparison with Python's lxml (see Benchmarks/links/run.sh).
import ArgumentParser
import Foundation
import LinkExtraction

@main
struct LinkBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link-benchmark",
        abstract: "Extract links from every .html file under a directory with StreamingLinkExtractor.")

    @Option(name: .long, help: "Directory of .html files (searched recursively).")
    var corpus: String

    @Option(name: .long, help: "URL the corpus directory is served at; page URL = base + relative path.")
    var baseURL: String = "http://localhost:8000/"

    @Option(name: .long, help: "Write 'page<TAB>link' lines here (from the first round).")
    var linksOut: String?

    @Option(name: .long, help: "Rounds over the whole corpus; the best round is reported.")
    var rounds: Int = 3

    @Option(name: .long, help: "Bytes per feed() call, like a fetch write callback.")
    var chunkSize: Int = 16_384

    @Flag(name: .long, help: "Collect no anchor text (as a crawl whose spider only follows links).")
    var withoutAnchorText = false

    @Flag(name: .long, help: "Share resolved hrefs across pages (as a crawl does).")
    var sharedHrefs = false

    @Flag(name: .long, help: "Take the pages one directory after another (as a breadth-first crawl does), not sorted by path.")
    var interleave = false

    mutating func run() throws {
        let pages = try loadCorpus()
        let totalBytes = pages.reduce(0) { $0 + $1.body.count }
        guard !pages.isEmpty else { throw ValidationError("no .html files under \(corpus)") }
        var best = Duration.seconds(Int64.max)
        var linkCount = 0
        var lines: [String] = []
        var options = LinkExtractionOptions()
        options.collectsAnchorText = !withoutAnchorText
        for round in 0..<max(1, rounds) {
            var found = 0
            var roundLines: [String] = []
            let clock = ContinuousClock()
            let start = clock.now
            let cache = sharedHrefs ? ResolvedHrefCache() : nil
            for page in pages {
                let extractor = StreamingLinkExtractor(
                    documentURL: page.url, contentType: "text/html", options: options, sharedHrefs: cache)
                page.body.withUnsafeBytes { body in
                    var offset = 0
                    while offset < body.count {
                        let end = min(offset + chunkSize, body.count)
                        extractor.feed(UnsafeRawBufferPointer(rebasing: body[offset..<end]))
                        offset = end
                    }
                }
                let result = extractor.finish()
                found += result.links.count
                if round == 0 && linksOut != nil {
                    for link in result.links { roundLines.append("\(page.url.href)\t\(link.url)") }
                }
            }
            let elapsed = clock.now - start
            if elapsed < best { best = elapsed }
            linkCount = found
            if round == 0 { lines = roundLines }
        }
        if let linksOut {
            try (lines.joined(separator: "\n") + "\n").write(toFile: linksOut, atomically: true, encoding: .utf8)
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        let megabytes = Double(totalBytes) / 1_000_000
        print(
            "engine=asyncurl pages=\(pages.count) bytes=\(totalBytes) links=\(linkCount) "
                + "seconds=\(String(format: "%.4f", seconds)) MB/s=\(String(format: "%.1f", megabytes / seconds)) "
                + "pages/s=\(String(format: "%.0f", Double(pages.count) / seconds))")
    }

    struct Page {
        let url: WebURL
        let body: [UInt8]
    }

    /// The paths round-robin over their directories: the first page of each, then the second of each, ...
    static func interleaved(_ paths: [String]) -> [String] {
        var byDirectory: [String: [String]] = [:]
        var order: [String] = []
        for path in paths {
            let directory = String(path.prefix(upTo: path.lastIndex(of: "/") ?? path.startIndex))
            if byDirectory[directory] == nil { order.append(directory) }
            byDirectory[directory, default: []].append(path)
        }
        var result: [String] = []
        var index = 0
        while result.count < paths.count {
            for directory in order where index < byDirectory[directory, default: []].count {
                result.append(byDirectory[directory, default: []][index])
            }
            index += 1
        }
        return result
    }

    func loadCorpus() throws -> [Page] {
        let root = URL(fileURLWithPath: corpus).standardizedFileURL
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw ValidationError("cannot read \(corpus)")
        }
        var relativePaths: [String] = []
        for case let file as URL in enumerator where file.pathExtension == "html" {
            let path = file.standardizedFileURL.path
            relativePaths.append(String(path.dropFirst(root.path.count).drop { $0 == "/" }))
        }
        relativePaths.sort()
        if interleave { relativePaths = Self.interleaved(relativePaths) }
        let prefix = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        return try relativePaths.map { relative in
            guard let url = WebURL(prefix + relative) else { throw ValidationError("bad page URL \(prefix + relative)") }
            let data = try Data(contentsOf: root.appendingPathComponent(relative))
            return Page(url: url, body: [UInt8](data))
        }
    }
}
