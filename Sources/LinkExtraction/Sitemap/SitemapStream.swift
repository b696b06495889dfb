/// The decoded bytes of one sitemap file on their way to a reader: counts them
/// against the size limit, skips a UTF-8 byte-order mark and leading whitespace,
/// and picks the XML or the plain-text reader by the first byte that follows.
final class SitemapStream {
    private enum Reader {
        case undecided
        case xml(SitemapXMLReader)
        case text(SitemapTextReader)
    }

    let collector: SitemapCollector
    private var reader = Reader.undecided
    private var decodedBytes = 0
    private var stopped = false
    /// Whether the input was cut at ``SitemapParser/Limits/maxDecodedBytes``.
    private(set) var cutAtSizeLimit = false

    init(limits: SitemapParser.Limits) {
        collector = SitemapCollector(limits: limits)
    }

    /// Takes the next decoded bytes; returns `false` when no more are wanted.
    func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !stopped else { return false }
        var bytes = bytes
        let allowed = collector.limits.maxDecodedBytes - decodedBytes
        if bytes.count > allowed {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<allowed])
            cutAtSizeLimit = true
            collector.count(.sizeLimitExceeded)
        }
        let offset = decodedBytes
        decodedBytes += bytes.count
        if case .undecided = reader {
            bytes = decide(bytes, startingAt: offset)
        }
        let wantsMore: Bool =
            switch reader {
            case .undecided: true
            case .xml(let xml): xml.feed(bytes)
            case .text(let text): text.feed(bytes)
            }
        stopped = !wantsMore || cutAtSizeLimit
        return !stopped
    }

    /// Ends the input and returns what was found. `complete` is `false` when the input was cut short on purpose.
    func finish(complete: Bool, wasCompressed: Bool) -> Sitemap {
        let complete = complete && !cutAtSizeLimit
        switch reader {
        case .undecided: break
        case .xml(let xml): xml.finish(complete: complete)
        case .text(let text): text.finish(complete: complete)
        }
        return collector.sitemap(decodedBytes: decodedBytes, wasCompressed: wasCompressed)
    }

    /// Skips a byte-order mark (at the very start) and whitespace; at the first other byte, chooses the reader.
    /// Returns the bytes that are left for it.
    private func decide(_ bytes: UnsafeRawBufferPointer, startingAt offset: Int) -> UnsafeRawBufferPointer {
        var index = 0
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        while index < bytes.count {
            let position = offset + index
            let byte = bytes[index]
            if position < bom.count, byte == bom[position] {
                index += 1
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else {
                reader =
                    byte == UInt8(ascii: "<")
                    ? .xml(SitemapXMLReader(collector: collector)) : .text(SitemapTextReader(collector: collector))
                break
            }
        }
        return UnsafeRawBufferPointer(rebasing: bytes[index...])
    }
}
