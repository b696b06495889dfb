import CrawlFrontier

extension RedisFrontierWire {
    /// What the take script answered.
    enum SlotReply: Sendable, Hashable {
        /// Taken (or the start recorded).
        case taken
        /// The host's delay (or pause) runs for this long yet.
        case wait(Duration)
        /// Every slot of the host is taken.
        case full
    }

    /// How a request takes its place in a host's accounting (see ``RedisHostSlotScripts/take``).
    enum SlotMode: String, Sendable {
        case slot, aside, touch
    }

    /// A slot to give back, with AutoThrottle's sample of its request.
    struct SlotReturn: Sendable, Hashable {
        var hostKey: String
        /// `-` first: a claim's slot set aside, taken back.
        var token: String
        var sample: LatencySample?
    }

    /// Takes a slot of `hostKey` (or records a start, see ``SlotMode``); the slot expires after `expiry`.
    func takeSlot(of hostKey: String, token: String, mode: SlotMode, expiry: Duration) async throws(RedisError) -> SlotReply {
        let script = RedisHostSlotScripts.take
        let reply = try await evaluate(
            script, keys: keys.common + [keys.queue(host: hostKey), keys.host(hostKey), keys.hostSlots],
            arguments: [
                keys.prefix, limitArgument, delayArgument,
                Array(hostKey.utf8), Array(token.utf8), Self.number(expiry.flooredMilliseconds), Array(mode.rawValue.utf8)
            ])
        guard let code = reply.int else {
            throw RedisError(address: connection.address, cause: .unexpectedReply("\(script.name): \(reply)"))
        }
        return code == 0 ? .taken : code < 0 ? .full : .wait(.milliseconds(code))
    }

    /// Gives slots back (only those past their expiry with `onlyExpired`); how many were given back.
    @discardableResult
    func giveSlots(_ slots: [SlotReturn], onlyExpired: Bool = false) async throws(RedisError) -> Int {
        var scriptKeys = keys.common + [keys.hostSlots]
        var arguments = [
            keys.prefix, limitArgument, delayArgument, Self.flag(onlyExpired)
        ]
        for slot in slots {
            scriptKeys += [keys.queue(host: slot.hostKey), keys.host(slot.hostKey)]
            let throttle = policy.limits(forHost: slot.hostKey).autoThrottle
            let latency = throttle == nil ? -1 : slot.sample.map { max(0, $0.latency.flooredMilliseconds) } ?? -1
            arguments += [
                Array(slot.hostKey.utf8), Array(slot.token.utf8), Self.number(latency), Self.flag(slot.sample?.succeeded ?? false),
                Array(String(throttle?.targetConcurrency ?? 1).utf8), Self.number(throttle?.minimumDelay.flooredMilliseconds ?? 0),
                Self.number(throttle?.maximumDelay.flooredMilliseconds ?? 0)
            ]
        }
        let reply = try await evaluate(RedisHostSlotScripts.give, keys: scriptKeys, arguments: arguments)
        guard let freed = reply.int else {
            throw RedisError(address: connection.address, cause: .unexpectedReply("\(RedisHostSlotScripts.give.name): \(reply)"))
        }
        return Int(freed)
    }

    /// Slots past their expiry (a dead worker's), as `(host, token)`, 64 at
    /// most; a silence of every worker longer than half `leaseTimeout` is forgiven first.
    func expiredSlots(leaseTimeout: Duration) async throws(RedisError) -> [(hostKey: String, token: String)] {
        let reply = try await evaluate(
            RedisHostSlotScripts.expired, keys: keys.common + [keys.hostSlots],
            arguments: [keys.prefix, Self.number(leaseTimeout.flooredMilliseconds)])
        return reply.elements.compactMap { element in
            guard let text = element.text, let newline = text.firstIndex(of: "\n") else { return nil }
            return (String(text[..<newline]), String(text[text.index(after: newline)...]))
        }
    }
}
