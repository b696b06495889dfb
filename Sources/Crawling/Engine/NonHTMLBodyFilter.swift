import AsyncURL

/// Leaves the body of a response that is not HTML out of memory, for a spider
/// that reads no such body (``Spider/readsNonHTMLBodies`` is `false`, as for
/// ``FollowAllSpider``): the fetch core still counts its bytes, and still holds
/// them to the body limit, but does not collect them into `Response.body`.
///
/// Decided from the `Content-Type` alone: a body without a usable one is kept,
/// to be sniffed (``HTMLSniffer``). One filter per fetch. The fetch core calls
/// it on its event-loop thread, for that transfer only, and the fetch returns
/// after the last call; its one variable is never touched by two threads at
/// once (hence `@unchecked Sendable`).
final class NonHTMLBodyFilter: ResponseBodyConsumer, @unchecked Sendable {
    private var keeps = true

    /// Decides from the final response's headers whether its body is kept.
    func responseStarted(url: String, status: Int, headers: HTTPHeaders) {
        keeps = HTMLSniffer.verdict(contentType: headers["Content-Type"]) != .notHTML
    }

    /// The bytes are counted by the fetch core; nothing is done with them here.
    func consume(_ chunk: UnsafeRawBufferPointer) {}

    /// Whether the body is collected into `Response.body`: unless the headers say it is not HTML.
    var keepsBodyInResponse: Bool { keeps }
}
