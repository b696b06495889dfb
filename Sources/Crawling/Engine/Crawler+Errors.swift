extension Crawler {
    /// Counts one error of `kind`: in the statistics (``CrawlStats/errors``
    /// and ``CrawlStats/errorKinds``) and the metrics.
    /// - Parameter kind: the error's kind (see ``CrawlStats/errorKinds``).
    func recordError(_ kind: String) {
        record { $0.recordError(kind) }
        metrics.countError(kind)
    }
}
