/// Keeps easy handles between transfers so they are reused, not recreated.
///
/// Reusing a handle saves its allocation and buffers. What a new connection
/// reuses is not in the handle: connections and resolved addresses are in
/// the multi handle, TLS sessions in the client's ``CurlShare`` (so any
/// handle resumes a session another one made). Confined to the event-loop
/// thread. Handles beyond ``capacity`` are released (and so freed once, by
/// ``EasyHandle``'s `deinit`).
struct EasyHandlePool {
    /// The most idle handles kept.
    let capacity: Int
    private var idle: [EasyHandle] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// An idle handle, or a new one; `nil` only when libcurl cannot allocate.
    mutating func take() -> EasyHandle? {
        if let handle = idle.popLast() { return handle }
        return EasyHandle()
    }

    /// Resets `handle` and keeps it for reuse, or lets it go when the pool is full.
    mutating func giveBack(_ handle: EasyHandle) {
        guard idle.count < capacity else { return }
        handle.reset()
        idle.append(handle)
    }

    /// Releases every idle handle.
    mutating func drain() {
        idle.removeAll()
    }
}
