/// The time limits of one transfer.
///
/// `nil` leaves a limit to the client's default (see
/// ``FetchClient/Configuration/timeouts``).
public struct Timeouts: Sendable, Hashable {
    /// The longest time to wait for a connection (DNS, TCP and TLS) to be made.
    public var connect: Duration?
    /// The longest time for the whole transfer, every redirect hop included.
    public var total: Duration?
    /// The longest time the transfer may go without receiving a single byte
    /// (a low-speed limit of one byte per second over this duration).
    public var idle: Duration?

    /// Creates a set of limits; omitted ones fall back to the client's defaults.
    public init(connect: Duration? = nil, total: Duration? = nil, idle: Duration? = nil) {
        self.connect = connect
        self.total = total
        self.idle = idle
    }

    /// Fills the limits left `nil` here from `defaults`.
    public func filled(from defaults: Timeouts) -> Timeouts {
        Timeouts(connect: connect ?? defaults.connect, total: total ?? defaults.total, idle: idle ?? defaults.idle)
    }
}
