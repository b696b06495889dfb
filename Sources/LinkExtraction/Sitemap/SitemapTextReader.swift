import AsyncURLSupport

/// Reads a plain-text sitemap fed in chunks: one URL per line (LF or CRLF),
/// surrounding whitespace ignored, blank lines skipped, anything that is not an
/// absolute `http`/`https` URL skipped and counted. A line longer than
/// ``SitemapParser/Limits/maxLocationLength`` is skipped without being kept whole.
final class SitemapTextReader {
    private let collector: SitemapCollector
    private var line: [UInt8] = []
    private var lineOverflowed = false
    private var stopped = false

    init(collector: SitemapCollector) {
        self.collector = collector
        collector.kind = .text
    }

    /// Feeds the next chunk; returns `false` once the entry limit stopped the reader.
    func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where !stopped {
            if byte == 0x0A {
                endLine()
            } else if !lineOverflowed {
                if line.count >= collector.limits.maxLocationLength {
                    lineOverflowed = true
                    line.removeAll()
                } else {
                    line.append(byte)
                }
            }
        }
        return !stopped
    }

    /// Ends the input; `complete` is `false` when it was cut at the size limit, and the cut line is dropped.
    func finish(complete: Bool) {
        if complete && !stopped { endLine() }
    }

    private func endLine() {
        defer {
            line.removeAll(keepingCapacity: true)
            lineOverflowed = false
        }
        if lineOverflowed {
            collector.count(.skippedLocation)
            return
        }
        let text = String(decoding: line, as: UTF8.self)
        guard !text.trimmingASCIIWhitespace().isEmpty, let location = collector.location(text) else { return }
        if !collector.add(SitemapEntry(location: location)) { stopped = true }
    }
}
