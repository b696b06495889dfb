import Archiving
import AsyncURL

/// The archiving step of a worker (see ``CrawlSettings/warc``): kept here so
/// the fetch loop in CrawlWork.swift only calls it.
extension CrawlWork {
    /// A spool for the body of an archived fetch (`nil` without an archive, or
    /// when a middleware gave the request a body consumer of its own): the body
    /// streams into a file beside the archive as it arrives, hashed on the way,
    /// and the archive copies it from there. A body the spider does not read
    /// (not HTML, and ``Spider/readsNonHTMLBodies`` is `false`) is not kept
    /// in memory at all.
    func bodySpool(for request: Request) -> WARCBodySpool? {
        guard let archive, request.bodyConsumer == nil else { return nil }
        let readsEveryBody = crawler.spider.readsNonHTMLBodies
        return WARCBodySpool(directory: archive.settings.directory) { headers in
            readsEveryBody || HTMLSniffer.verdict(contentType: headers["Content-Type"]) != .notHTML
        }
    }
}
