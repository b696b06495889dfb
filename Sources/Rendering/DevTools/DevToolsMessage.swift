#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What every message from the browser carries: a reply has the `id` of its
/// command (and a `result` or an `error`), an event has a `method`; both may
/// name the session (the tab) they belong to.
struct DevToolsEnvelope: Decodable {
    let id: Int?
    let method: String?
    let sessionId: String?
    let error: DevToolsFailure?
}

/// The `error` member of a failed command's reply.
struct DevToolsFailure: Decodable {
    let code: Int
    let message: String
}

/// A command as written to the browser.
struct DevToolsCommand<Parameters: Encodable>: Encodable {
    let id: Int
    let method: String
    let params: Parameters
    let sessionId: String?
}

/// The `result` member of a reply, decoded as the command's reply type.
struct DevToolsReply<Result: Decodable>: Decodable {
    let result: Result
}

/// A command without parameters, or a reply whose result is not read.
struct NoParameters: Codable, Sendable {}

/// An event from the browser: its method, its session and the raw message,
/// decoded on demand as the type its handler expects.
struct DevToolsEvent: Sendable {
    /// The event's name, such as `Fetch.requestPaused`.
    let method: String
    /// The session (tab) it belongs to; `nil` for browser-wide events.
    let sessionID: String?
    /// The whole message.
    let message: [UInt8]

    private struct Envelope<Parameters: Decodable>: Decodable {
        let params: Parameters
    }

    /// The event's `params` decoded as `type`, or `nil` when they do not match it.
    func parameters<Parameters: Decodable>(_ type: Parameters.Type) -> Parameters? {
        try? JSONDecoder().decode(Envelope<Parameters>.self, from: Data(message)).params
    }
}
