import AsyncURLSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Commands and events over a browser's DevTools pipe: each command gets an
/// id and waits (with a deadline) for the reply with that id; events go to the
/// handler of their session. When the pipe ends, every waiting command fails
/// with ``RenderError/Kind-swift.struct/browserCrashed`` and so does every later one.
final class DevToolsConnection: Sendable {
    private typealias Waiter = CheckedContinuation<Result<[UInt8], RenderError>, Never>

    private struct State {
        var nextID = 1
        var waiting: [Int: Waiter] = [:]
        var handlers: [String: @Sendable (DevToolsEvent) -> Void] = [:]
        var browserHandler: (@Sendable (DevToolsEvent) -> Void)?
        var end: RenderError?
    }

    private let pipe: DevToolsPipe
    private let state = LockedState(State())

    /// - Parameter pipe: the browser's pipe, not yet read.
    init(pipe: DevToolsPipe) {
        self.pipe = pipe
    }

    /// Starts reading the browser's messages.
    /// - Parameter maxMessageBytes: the largest message accepted (a rendered document included).
    /// - Throws: ``RenderError`` when the reader thread cannot start.
    func start(maxMessageBytes: Int) throws(RenderError) {
        let started = pipe.startReading(
            maxMessageBytes: maxMessageBytes, onMessage: { [self] in receive($0) },
            onEnd: { [self] end in
                switch end {
                case .closed: finish(RenderError(.browserCrashed, detail: "the browser closed its DevTools pipe"))
                case .messageTooLarge(let size):
                    finish(RenderError(.documentTooLarge, detail: "a DevTools message passed \(maxMessageBytes) bytes (\(size) read)"))
                }
            })
        guard started else { throw RenderError(.browserUnavailable, detail: "cannot start the DevTools reader thread") }
    }

    /// Sends `method` with `parameters` (to `session`, or the browser) and
    /// waits at most `timeout` for its reply's result.
    /// - Parameters:
    ///   - method: the command, such as `Page.navigate`.
    ///   - parameters: its parameters.
    ///   - session: the tab's session, or `nil` for a browser command.
    ///   - timeout: how long to wait before the browser counts as hung.
    ///   - reply: the type the reply's result is decoded as.
    /// - Throws: ``RenderError`` (an error reply, a hung or crashed browser).
    func call<Parameters: Encodable, Reply: Decodable>(
        _ method: String, _ parameters: Parameters, session: String? = nil,
        timeout: Duration, returning reply: Reply.Type
    ) async throws(RenderError) -> Reply {
        let (id, failure) = state.withLock { state -> (Int, RenderError?) in
            defer { state.nextID += 1 }
            return (state.nextID, state.end)
        }
        if let failure { throw failure }
        let encoded: [UInt8]
        do {
            encoded = Array(try JSONEncoder().encode(DevToolsCommand(id: id, method: method, params: parameters, sessionId: session)))
        } catch {
            throw RenderError(.protocolError, detail: "cannot encode \(method): \(error)")
        }
        let bytes = try await exchange(id: id, method: method, message: encoded, timeout: timeout).get()
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(DevToolsEnvelope.self, from: Data(bytes)), let error = envelope.error {
            throw RenderError(.protocolError, detail: "\(method): \(error.message) (\(error.code))")
        }
        if Reply.self == NoParameters.self, let none = NoParameters() as? Reply { return none }
        do {
            return try decoder.decode(DevToolsReply<Reply>.self, from: Data(bytes)).result
        } catch {
            throw RenderError(.protocolError, detail: "unexpected reply to \(method): \(error)")
        }
    }

    /// Sends `method` and waits for its reply, discarding the result.
    /// - Parameters:
    ///   - method: the command.
    ///   - parameters: its parameters.
    ///   - session: the tab's session, or `nil` for a browser command.
    ///   - timeout: how long to wait for the reply.
    /// - Throws: ``RenderError``.
    func call<Parameters: Encodable>(_ method: String, _ parameters: Parameters, session: String? = nil, timeout: Duration)
        async throws(RenderError)
    {
        _ = try await call(method, parameters, session: session, timeout: timeout, returning: NoParameters.self)
    }

    private func exchange(id: Int, method: String, message: [UInt8], timeout: Duration) async -> Result<[UInt8], RenderError> {
        let deadline = Task { [self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            resume(id, with: .failure(RenderError(.browserHung, detail: "no reply to \(method) within \(timeout)")))
        }
        defer { deadline.cancel() }
        return await withCheckedContinuation { (waiter: Waiter) in
            let ended = state.withLock { state -> RenderError? in
                if let end = state.end { return end }
                state.waiting[id] = waiter
                return nil
            }
            if let ended {
                waiter.resume(returning: .failure(ended))
            } else if pipe.send(message) != 0 {
                resume(id, with: .failure(RenderError(.browserCrashed, detail: "cannot write \(method) to the browser")))
            }
        }
    }

    private func resume(_ id: Int, with result: Result<[UInt8], RenderError>) {
        state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: result)
    }

    /// Sets (or with `nil` removes) the handler of one session's events.
    func setHandler(session: String, _ handler: (@Sendable (DevToolsEvent) -> Void)?) {
        state.withLock { $0.handlers[session] = handler }
    }

    /// Sets the handler of events that belong to no session (targets crashing, detaching).
    func setBrowserHandler(_ handler: @escaping @Sendable (DevToolsEvent) -> Void) {
        state.withLock { $0.browserHandler = handler }
    }

    /// Why the connection ended, once it has.
    var end: RenderError? { state.withLock { $0.end } }

    private func receive(_ bytes: [UInt8]) {
        guard let envelope = try? JSONDecoder().decode(DevToolsEnvelope.self, from: Data(bytes)) else { return }
        if let id = envelope.id {
            resume(id, with: .success(bytes))
        } else if let method = envelope.method {
            let event = DevToolsEvent(method: method, sessionID: envelope.sessionId, message: bytes)
            let handler = state.withLock { state in envelope.sessionId.flatMap { state.handlers[$0] } ?? state.browserHandler }
            handler?(event)
        }
    }

    /// Fails every waiting and later command with `error`; closes the write side.
    func finish(_ error: RenderError) {
        pipe.closeForWriting()
        let waiting = state.withLock { state -> [Waiter] in
            if state.end == nil { state.end = error }
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for waiter in waiting { waiter.resume(returning: .failure(error)) }
    }
}
