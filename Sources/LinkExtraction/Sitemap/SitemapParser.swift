/// Parses sitemap files as sitemaps.org describes them: XML `<urlset>` and
/// `<sitemapindex>` documents (with the sitemaps.org namespace, another one, or
/// none), gzip-compressed ones (recognised by their magic bytes, whatever the
/// URL or `Content-Type` says), and plain-text sitemaps (one URL per line).
///
/// ```swift
/// let sitemap = SitemapParser().parse(response.body)
/// for entry in sitemap.entries { print(entry.location, entry.lastModified ?? "-") }
/// ```
///
/// The body is decoded and parsed in a stream (gzip inflates piece by piece into
/// a libxml2 SAX push parser; no tree is built), within ``Limits``: bad input
/// is skipped and counted in ``Sitemap/issues``, never thrown, and what was
/// read before a problem is kept. libxml2 never touches the network and never
/// expands or loads an entity (see `SitemapXMLReader`).
public struct SitemapParser: Sendable {
    /// Bounds on one sitemap file (the sitemaps.org limits by default).
    public struct Limits: Sendable, Hashable {
        /// The most entries read; later ones are not read (``SitemapIssue/entryLimitReached``).
        public var maxEntries: Int
        /// The most bytes read after gzip decoding (``SitemapIssue/sizeLimitExceeded``).
        public var maxDecodedBytes: Int
        /// The longest `<loc>` (or other field, or text line) kept, in bytes.
        public var maxLocationLength: Int

        /// Creates limits; the defaults are sitemaps.org's 50,000 URLs and 50 MB (52,428,800 bytes).
        public init(maxEntries: Int = 50_000, maxDecodedBytes: Int = 52_428_800, maxLocationLength: Int = 8192) {
            self.maxEntries = max(0, maxEntries)
            self.maxDecodedBytes = max(0, maxDecodedBytes)
            self.maxLocationLength = max(1, maxLocationLength)
        }
    }

    /// The limits in force.
    public var limits: Limits

    /// Creates a parser.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses one sitemap file's bytes (gzip-compressed or not).
    public func parse(_ body: some Collection<UInt8>) -> Sitemap {
        if let result = body.withContiguousStorageIfAvailable({ parse(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(body).withUnsafeBytes { parse($0) }
    }

    /// Parses one sitemap file's bytes (gzip-compressed or not).
    public func parse(_ body: UnsafeRawBufferPointer) -> Sitemap {
        let stream = SitemapStream(limits: limits)
        guard body.starts(with: GzipInflater.magic) else {
            _ = stream.consume(body)
            return stream.finish(complete: true, wasCompressed: false)
        }
        let inflater = GzipInflater()
        let outcome = inflater.inflate(body, isFinal: true) { stream.consume($0) }
        if outcome == .corrupt { stream.collector.count(.invalidGzip) }
        return stream.finish(complete: outcome == .finished || (outcome == .stopped && !stream.cutAtSizeLimit), wasCompressed: true)
    }
}
