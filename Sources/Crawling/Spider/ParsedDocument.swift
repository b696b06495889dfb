import AsyncURLSupport
import LinkExtraction

/// A response's document, parsed once, on first use, and queried under a
/// lock: an `HTMLDocument` is not `Sendable`, and a ``CrawlResponse`` (which
/// is) may be copied to other tasks. The parse's failure is kept too.
final class ParsedDocument: Sendable {
    private struct State {
        var document: Result<HTMLDocument, SelectorError>?
        var parseCount = 0
    }

    private let state = LockedState(State())

    /// How many times the document was parsed.
    var parseCount: Int { state.withLock { $0.parseCount } }

    /// Runs `body` on the document, parsing it with `parse` first if no call has yet.
    func query<Value>(
        parse: () throws(SelectorError) -> HTMLDocument, _ body: (HTMLDocument) throws(SelectorError) -> Value
    ) throws(SelectorError) -> Value {
        try state.withLock { state throws(SelectorError) in
            let document: Result<HTMLDocument, SelectorError>
            if let parsed = state.document {
                document = parsed
            } else {
                state.parseCount += 1
                do throws(SelectorError) {
                    document = .success(try parse())
                } catch {
                    document = .failure(error)
                }
                state.document = document
            }
            return try body(try document.get())
        }
    }
}
